package seed

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/project"
)

// ObstacleAgencies are the agencies the demo data routes obstacles to,
// today's agencies of account.DefaultAgencies (after the 2025 mergers):
// the Departments of Finance (with investment registration), Agriculture
// and Environment, Construction (with transport), Industry and Trade,
// Culture, Sports and Tourism and Home Affairs (with labour), the Economic
// Zone and Industrial Parks Board, the provincial tax office and the State
// Bank's Region 10 branch. An obstacle assigned before an agency existed
// goes to its predecessor of the day (agencyOn): Planning and Investment
// before 1 March 2025, for instance.
var ObstacleAgencies = []string{"finance", "agriculture_environment", "construction", "ez_ip_board", "tax_khanh_hoa", "industry_trade", "culture_sports_tourism", "home_affairs", "sbv_region_10"}

// ObstacleCount is how many obstacles Obstacles makes.
const ObstacleCount = 150

// ObstacleAccessKey is the access key of a demo obstacle, derived from its
// tracking code so that a demonstration can open any of them. Synthetic
// data only: real obstacles get random keys.
func ObstacleAccessKey(trackingCode string) string {
	sum := sha256.Sum256([]byte("demo-obstacle|" + trackingCode))
	return obstacle.FormatKey(sum[:])
}

// demoLeads are the agencies that may lead an obstacle of each category,
// as the agencies are since the 2025 mergers: investment procedures go to
// the Department of Finance (or the economic-zone board), land and
// environment to Agriculture and Environment, roads to Construction,
// labour matters (recruitment, work permits) to Home Affairs, credit to
// the State Bank's regional branch, which supervises the banks.
var demoLeads = map[obstacle.Category][]string{
	obstacle.LandSiteClearance:    {"agriculture_environment"},
	obstacle.Planning:             {"construction", "finance"},
	obstacle.InvestmentProcedures: {"finance", "ez_ip_board"},
	obstacle.ConstructionPermits:  {"construction", "ez_ip_board"},
	obstacle.Environment:          {"agriculture_environment", "ez_ip_board"},
	obstacle.TaxFees:              {"tax_khanh_hoa", "finance"},
	obstacle.Credit:               {"sbv_region_10"},
	obstacle.Infrastructure:       {"construction", "industry_trade"},
	obstacle.Labour:               {"home_affairs"},
	obstacle.Other:                {"culture_sports_tourism", "agriculture_environment", "finance", "industry_trade"},
}

type demoText struct{ vi, en, descVI, descEN string }

// demoTextLeads narrow demoLeads for the matters, by English title, that
// one agency of the category handles: a road is Construction's (which took
// over transport), a power line Industry and Trade's (the power sector), a
// marina Construction's (maritime licensing) or Tourism's, planted forest
// Agriculture and Environment's.
var demoTextLeads = map[string][]string{
	"No access road to the project site":        {"construction"},
	"Medium-voltage power connection delayed":   {"industry_trade"},
	"Guidance requested on operating a marina":  {"construction", "culture_sports_tourism"},
	"Conversion of planted forest land held up": {"agriculture_environment"},
}

// agencies are the default agencies by code, and endOf2023 the codes of
// the agencies that existed before the 2025 mergers.
var (
	agencies  = map[string]account.Agency{}
	endOf2023 = map[string]bool{}
)

func init() {
	for _, a := range account.DefaultAgencies() {
		agencies[a.ID] = a
	}
	for _, a := range account.EndOf2023Agencies() {
		endOf2023[a.ID] = true
	}
}

// agencyOn returns the agency that did the work of today's agency id on
// day (YYYY-MM-DD): id itself if it existed then, else its predecessor
// of the day (the agency merged or renamed into it, its only successor;
// a split into several does not count), so that an obstacle assigned in 2024 names the agency of 2024.
func agencyOn(id, day string) string {
	for range 5 {
		a := agencies[id]
		if a.ValidFrom == "" || a.ValidFrom <= day || endOf2023[id] {
			return id
		}
		pred := ""
		for _, code := range sortedAgencyIDs() {
			for _, s := range agencies[code].Successors {
				if s.ID == id && len(agencies[code].Successors) == 1 && pred == "" {
					pred = code
				}
			}
		}
		if pred == "" {
			return id
		}
		id = pred
	}
	return id
}

// sortedAgencyIDs lists the default agencies' codes in their order.
func sortedAgencyIDs() []string {
	var out []string
	for _, a := range account.DefaultAgencies() {
		out = append(out, a.ID)
	}
	return out
}

var demoTexts = map[obstacle.Category][]demoText{
	obstacle.LandSiteClearance: {
		{"Chậm bàn giao mặt bằng phần diện tích còn lại của dự án", "Delay in handing over the remaining site area",
			"Còn khoảng 2,4 ha chưa hoàn thành bồi thường, giải phóng mặt bằng do một số hộ dân chưa đồng ý phương án giá. Doanh nghiệp đề nghị Tổ công tác chủ trì đối thoại và đẩy nhanh cưỡng chế theo quy định.",
			"About 2.4 ha has not been cleared because several households reject the compensation price. We ask the task force to lead a dialogue and speed up the legal procedure."},
		{"Vướng mắc xác định giá đất cụ thể để tính tiền thuê đất", "Specific land price for the land rent not yet set",
			"Sau hơn 8 tháng nộp hồ sơ, giá đất cụ thể để tính tiền thuê đất vẫn chưa được phê duyệt, doanh nghiệp không thể hoàn tất thủ tục giao đất và khởi công.",
			"Eight months after filing, the specific land price used for the land rent is still not approved, so the land lease and groundbreaking cannot proceed."},
	},
	obstacle.Planning: {
		{"Quy hoạch phân khu chưa được điều chỉnh theo chủ trương đầu tư", "Zoning plan not yet adjusted to the investment approval",
			"Chức năng sử dụng đất trong quy hoạch phân khu tỷ lệ 1/2000 chưa phù hợp với chủ trương đầu tư đã được chấp thuận, dẫn đến không thể lập quy hoạch chi tiết 1/500.",
			"The land use in the 1/2000 zoning plan does not match the approved investment policy, so the 1/500 detailed plan cannot be prepared."},
		{"Chồng lấn ranh giới quy hoạch với dự án lân cận", "Plan boundary overlaps a neighbouring project",
			"Ranh giới khu đất dự án chồng lấn khoảng 0,3 ha với dự án liền kề theo hai đồ án quy hoạch khác nhau; đề nghị cơ quan có thẩm quyền xác định lại ranh giới.",
			"The site boundary overlaps a neighbouring project by about 0.3 ha under two different plans; we ask the authority to settle the boundary."},
	},
	obstacle.InvestmentProcedures: {
		{"Thủ tục điều chỉnh chủ trương đầu tư kéo dài", "Amendment of the investment policy decision is taking too long",
			"Hồ sơ điều chỉnh tiến độ thực hiện dự án đã nộp quá thời hạn giải quyết nhưng chưa có kết quả, ảnh hưởng đến kế hoạch huy động vốn của nhà đầu tư.",
			"Our request to amend the project schedule is past its processing time without an answer, which affects our financing plan."},
		{"Chưa được cấp Giấy chứng nhận đăng ký đầu tư điều chỉnh", "Amended investment registration certificate not yet issued",
			"Doanh nghiệp đã bổ sung hồ sơ theo yêu cầu nhưng chưa nhận được Giấy chứng nhận đăng ký đầu tư điều chỉnh để tăng vốn.",
			"We supplemented the file as asked but have not received the amended investment registration certificate for the capital increase."},
	},
	obstacle.ConstructionPermits: {
		{"Chậm thẩm định thiết kế cơ sở", "Delay in appraising the basic design",
			"Hồ sơ thẩm định báo cáo nghiên cứu khả thi đã nộp đầy đủ nhưng quá thời hạn vẫn chưa có thông báo kết quả thẩm định.",
			"The feasibility study was filed in full but the appraisal result is overdue."},
		{"Vướng mắc cấp giấy phép xây dựng hạng mục phụ trợ", "Building permit for ancillary works held up",
			"Hạng mục nhà điều hành và kho chưa được cấp giấy phép xây dựng do chưa thống nhất chỉ tiêu mật độ xây dựng giữa các cơ quan.",
			"The office building and warehouse lack a building permit because agencies disagree on the building density ratio."},
	},
	obstacle.Environment: {
		{"Chậm phê duyệt báo cáo đánh giá tác động môi trường", "Environmental impact assessment approval delayed",
			"Báo cáo ĐTM đã chỉnh sửa theo ý kiến hội đồng thẩm định từ hai tháng trước nhưng chưa có quyết định phê duyệt.",
			"The EIA report was revised as the appraisal council asked two months ago but no approval decision has been issued."},
		{"Vướng mắc vị trí xả thải nước sau xử lý", "Discharge point for treated water not agreed",
			"Chưa thống nhất được vị trí xả nước thải sau xử lý ra vịnh, cần ý kiến của các sở, ngành liên quan.",
			"The discharge point of treated wastewater into the bay is not agreed; the departments concerned must give their opinion."},
	},
	obstacle.TaxFees: {
		{"Chậm hoàn thuế giá trị gia tăng giai đoạn đầu tư", "VAT refund for the investment phase delayed",
			"Hồ sơ hoàn thuế GTGT của dự án đầu tư đã nộp quá 40 ngày nhưng chưa được giải quyết, ảnh hưởng dòng tiền thi công.",
			"Our VAT refund for the investment phase has been pending over 40 days, straining construction cash flow."},
		{"Chưa rõ cách tính tiền thuê đất được miễn, giảm", "Unclear calculation of land rent exemption",
			"Doanh nghiệp thuộc diện ưu đãi đầu tư nhưng chưa được hướng dẫn thống nhất về thời gian miễn tiền thuê đất trong thời gian xây dựng cơ bản.",
			"We qualify for investment incentives but have no consistent guidance on the land rent exemption during construction."},
	},
	obstacle.Credit: {
		{"Khó tiếp cận vốn vay do chưa có giấy chứng nhận quyền sử dụng đất", "No bank loan without the land use certificate",
			"Ngân hàng chưa chấp nhận tài sản bảo đảm do dự án chưa được cấp giấy chứng nhận quyền sử dụng đất, dù đã hoàn thành nghĩa vụ tài chính.",
			"Banks refuse the collateral because the land use certificate is not issued, although we have paid all land charges."},
	},
	obstacle.Infrastructure: {
		{"Chưa có đường giao thông kết nối vào khu vực dự án", "No access road to the project site",
			"Tuyến đường kết nối theo quy hoạch chưa được đầu tư, xe thi công phải đi nhờ đường dân sinh, gây mất an toàn và phản ánh của người dân.",
			"The planned access road is not built; construction trucks use a village road, which is unsafe and draws complaints."},
		{"Chậm đấu nối điện trung thế cho nhà máy", "Medium-voltage power connection delayed",
			"Đường dây trung thế cấp điện cho nhà máy chưa được thỏa thuận hướng tuyến, dự kiến chậm vận hành thử ba tháng.",
			"The route of the medium-voltage line to the plant is not agreed; trial operation will slip by three months."},
	},
	obstacle.Labour: {
		{"Thiếu lao động kỹ thuật cho giai đoạn vận hành", "Shortage of skilled workers for operation",
			"Doanh nghiệp cần tuyển 300 lao động kỹ thuật nhưng nguồn cung tại địa phương hạn chế; đề nghị hỗ trợ kết nối cơ sở đào tạo nghề.",
			"We need 300 skilled workers but local supply is short; we ask for help linking with vocational schools."},
		{"Chậm cấp giấy phép lao động cho chuyên gia nước ngoài", "Work permits for foreign experts delayed",
			"Hồ sơ cấp giấy phép lao động cho 6 chuyên gia lắp đặt thiết bị chưa được giải quyết, ảnh hưởng tiến độ lắp máy.",
			"Work permits for six equipment installation experts are pending, delaying the installation."},
	},
	obstacle.Other: {
		{"Đề nghị hướng dẫn thủ tục khai thác bến du thuyền", "Guidance requested on operating a marina",
			"Doanh nghiệp chưa rõ cơ quan chủ trì và trình tự cấp phép khai thác bến du thuyền gắn với dự án du lịch.",
			"We do not know which agency leads, nor the steps, for licensing a marina attached to our tourism project."},
		{"Vướng mắc chuyển mục đích sử dụng rừng trồng", "Conversion of planted forest land held up",
			"Khoảng 5 ha rừng trồng trong ranh dự án chưa được chấp thuận chuyển mục đích sử dụng, cần ý kiến của các sở chuyên ngành.",
			"About 5 ha of planted forest inside the site has no approval for conversion; the specialised departments must give their opinion."},
	},
}

var demoResolutions = []string{
	"Tổ công tác đã chủ trì cuộc họp liên ngành, thống nhất phương án và giao cơ quan chủ trì ban hành văn bản trả lời doanh nghiệp.",
	"Cơ quan chủ trì đã ban hành quyết định giải quyết; doanh nghiệp nhận kết quả qua dịch vụ công trực tuyến.",
	"Đã hướng dẫn doanh nghiệp hoàn thiện hồ sơ và giải quyết xong thủ tục trong thời hạn.",
	"UBND tỉnh đã có văn bản chỉ đạo; các sở, ngành đã phối hợp xử lý dứt điểm nội dung kiến nghị.",
}

var demoQuestions = []string{
	"Đề nghị doanh nghiệp bổ sung bản sao quyết định chủ trương đầu tư và sơ đồ ranh giới khu đất.",
	"Đề nghị doanh nghiệp cung cấp văn bản trả lời trước đây của cơ quan chuyên môn (nếu có).",
	"Đề nghị doanh nghiệp làm rõ tiến độ thực hiện dự án đã được phê duyệt.",
}

var demoAnswers = []string{
	"Doanh nghiệp đã gửi bổ sung hồ sơ theo yêu cầu.",
	"Doanh nghiệp gửi kèm các văn bản liên quan và xác nhận tiến độ hiện tại.",
}

var demoNames = []string{"Nguyễn Văn An", "Trần Thị Bích", "Lê Minh Châu", "Phạm Quốc Dũng", "Hoàng Thu Hà", "Võ Thanh Hải", "Đặng Thị Lan", "Bùi Đức Long", "Đỗ Ngọc Mai", "Huỳnh Tấn Phát", "Ngô Thị Quỳnh", "Dương Văn Sơn"}

var demoFirms = []string{"Hải Đăng", "Vịnh Xanh", "Cam Ranh Sun", "Nha Trang Pearl", "Vân Phong Logistics", "Khánh Sơn Agri", "Ninh Hòa Steel", "Diên Khánh Foods", "Trường Sa Marine", "Hòn Tre Resort", "Bãi Dài Energy", "Cam Lâm Urban"}

// demoPlan is one obstacle to simulate: its final status and story.
type demoPlan struct {
	status   obstacle.Status
	slack    int // working days between the last step and now
	withAsk  bool
	reopen   bool
	auto     bool // closed by the objection period, not by the business
	late     bool // resolved after the deadline
	overdueX int  // extra working days an open obstacle sits past its steps
}

// Obstacles makes ObstacleCount synthetic obstacles (marked Synthetic, business
// names "(dữ liệu mẫu)", e-mail at .example domains) spread over statuses,
// categories and the ObstacleAgencies, some overdue and escalated, some waiting
// for the business, about two in three linked to the given projects. Each
// timeline is produced by Transition itself, so it obeys the workflow. The
// result depends only on the arguments.
func Obstacles(projects []project.Project, cal *holidays.Calendar, now time.Time) []obstacle.Obstacle {
	rng := rand.New(rand.NewPCG(20261105, 42))
	var plans []demoPlan
	add := func(n int, p func(i int) demoPlan) {
		for i := range n {
			plans = append(plans, p(i))
		}
	}
	// A few closed obstacles were filed before the mergers of 1 March 2025
	// and keep the former agency on their timeline.
	before := cal.WorkingDaysBetween(time.Date(2025, 1, 6, 0, 0, 0, 0, holidays.Location()), now)
	add(45, func(i int) demoPlan {
		p := demoPlan{status: obstacle.Closed, slack: 3 + rng.IntN(300), withAsk: i%4 == 0, reopen: i%9 == 0, auto: i%3 == 0, late: i%7 == 0}
		if i%9 == 4 {
			p.slack = max(p.slack, before)
		}
		return p
	})
	add(14, func(i int) demoPlan {
		return demoPlan{status: obstacle.Resolved, slack: 1 + rng.IntN(4), withAsk: i%3 == 0, late: i%5 == 0}
	})
	add(30, func(i int) demoPlan {
		return demoPlan{status: obstacle.InProgress, slack: 1, withAsk: i%3 == 0, overdueX: rng.IntN(30)}
	})
	add(12, func(i int) demoPlan { return demoPlan{status: obstacle.WaitingForBusiness, slack: 1 + rng.IntN(8)} })
	add(14, func(i int) demoPlan { return demoPlan{status: obstacle.Assigned, slack: 1, overdueX: rng.IntN(20)} })
	add(8, func(i int) demoPlan { return demoPlan{status: obstacle.Accepted, slack: 1 + rng.IntN(3)} })
	add(10, func(i int) demoPlan { return demoPlan{status: obstacle.Submitted, slack: 1 + rng.IntN(3)} })
	add(11, func(i int) demoPlan { return demoPlan{status: obstacle.Rejected, slack: 2 + rng.IntN(200)} })
	mergedN := ObstacleCount - len(plans)

	var linkable []project.Project
	for _, p := range projects {
		switch p.Stage {
		case project.Approved, project.Licensed, project.SiteClearance, project.Construction, project.Operating:
			linkable = append(linkable, p)
		}
	}
	out := make([]obstacle.Obstacle, 0, ObstacleCount)
	for i, p := range plans {
		o, ok := demoOne(rng, i, p, linkable, cal, now)
		if ok {
			out = append(out, o)
		}
	}
	out = append(out, demoMerged(rng, len(plans), mergedN, out, cal, now)...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	seq := map[int]int64{}
	for i := range out {
		y := out[i].CreatedAt.In(holidays.Location()).Year()
		seq[y]++
		out[i].TrackingCode = obstacle.FormatTrackingCode(y, seq[y])
		out[i].AccessKeyHash = obstacle.HashKey(ObstacleAccessKey(out[i].TrackingCode))
	}
	// Merge notes on primaries name the duplicate's tracking code, known
	// only now. Each event is numbered with the version it made.
	code := map[string]string{}
	for _, o := range out {
		code[o.ID] = o.TrackingCode
	}
	for i := range out {
		for j, ev := range out[i].Timeline {
			if ev.Act() == obstacle.ActMerge && ev.FromStatus == ev.ToStatus {
				out[i].Timeline[j].Note = code[ev.Note]
			}
			out[i].Timeline[j].Version = int64(j + 1)
		}
	}
	return out
}

// demoStep is one planned action and the working days after the previous one.
type demoStep struct {
	action obstacle.Action
	gap    int
	in     obstacle.Input
	actor  obstacle.Actor
}

func demoFiler(rng *rand.Rand, i int, linkable []project.Project) (obstacle.Filer, string) {
	f := obstacle.Filer{
		BusinessName:  fmt.Sprintf("Công ty TNHH %s (dữ liệu mẫu)", demoFirms[i%len(demoFirms)]),
		TaxCode:       demoTaxCode(rng),
		ContactPerson: demoNames[rng.IntN(len(demoNames))],
		Email:         fmt.Sprintf("lienhe%03d@doanhnghiep.example", i),
		Phone:         fmt.Sprintf("09%08d", rng.IntN(100000000)),
		Lang:          "vi",
	}
	if i%5 == 0 {
		f.Phone = fmt.Sprintf("0258%07d", rng.IntN(10000000))
	}
	code := ""
	if len(linkable) > 0 && i%3 != 0 {
		p := linkable[rng.IntN(len(linkable))]
		code = p.Code
		f.BusinessName = p.Investor.Name + " (dữ liệu mẫu)"
		if p.Kind == project.FDI {
			f.Lang = "en"
		}
	}
	return f, code
}

func demoTaxCode(rng *rand.Rand) string {
	for {
		nine := fmt.Sprintf("42%07d", rng.IntN(10000000))
		if d, ok := obstacle.TaxCheckDigit(nine); ok {
			return fmt.Sprintf("%s%d", nine, d)
		}
	}
}

// demoAt places a step on day's working hours, after prev.
func demoAt(rng *rand.Rand, day, prev time.Time) time.Time {
	t := holidays.StartOfDay(day).Add(8*time.Hour + time.Duration(rng.IntN(8*60))*time.Minute)
	if !t.After(prev) {
		t = prev.Add(time.Duration(15+rng.IntN(120)) * time.Minute)
	}
	return t.UTC().Truncate(time.Millisecond)
}

func demoOne(rng *rand.Rand, i int, p demoPlan, linkable []project.Project, cal *holidays.Calendar, now time.Time) (obstacle.Obstacle, bool) {
	cat := obstacle.Categories[i%len(obstacle.Categories)]
	if i%4 == 0 {
		cat = obstacle.Categories[rng.IntN(len(obstacle.Categories))]
	}
	texts := demoTexts[cat]
	tx := texts[rng.IntN(len(texts))]
	filer, projectCode := demoFiler(rng, i, linkable)
	o := obstacle.Obstacle{
		ID: fmt.Sprintf("%024x", 0xd0000+i), Filer: filer, ProjectCode: projectCode, Category: cat,
		Title: tx.vi, Description: tx.descVI, Attachments: []obstacle.Attachment{}, Status: obstacle.Submitted, Synthetic: true,
	}
	if filer.Lang == "en" {
		o.Title, o.Description = tx.en, tx.descEN
	}
	leads := demoLeads[cat]
	if l, ok := demoTextLeads[tx.en]; ok {
		leads = l
	}
	lead := leads[rng.IntN(len(leads))]
	var coord []string
	if rng.IntN(2) == 0 {
		if c := ObstacleAgencies[rng.IntN(len(ObstacleAgencies))]; c != lead {
			coord = []string{c}
		}
	}
	tf := obstacle.Actor{ID: fmt.Sprintf("demo-taskforce-%d", 1+i%3), Role: obstacle.RoleTaskforce}
	ag := obstacle.Actor{ID: "demo-officer-" + lead, Role: obstacle.RoleAgency, Agency: lead}
	days := obstacle.DefaultWorkingDays(cat)

	var steps []demoStep
	push := func(a obstacle.Action, gap int, in obstacle.Input, actor obstacle.Actor) {
		steps = append(steps, demoStep{a, gap, in, actor})
	}
	if p.status == obstacle.Rejected {
		push(obstacle.ActReject, 1+rng.IntN(3), obstacle.Input{Note: "Nội dung kiến nghị không thuộc thẩm quyền của Tổ công tác; đề nghị doanh nghiệp liên hệ cơ quan quản lý trực tiếp."}, tf)
	} else if p.status != obstacle.Submitted {
		push(obstacle.ActAccept, 1+rng.IntN(2), obstacle.Input{}, tf)
	}
	if p.status != obstacle.Submitted && p.status != obstacle.Accepted && p.status != obstacle.Rejected {
		push(obstacle.ActAssign, rng.IntN(2), obstacle.Input{LeadAgency: lead, CoordinatingAgencies: coord}, tf)
		if p.status != obstacle.Assigned {
			push(obstacle.ActStart, 1+rng.IntN(2), obstacle.Input{Note: "Đã tiếp nhận và phân công chuyên viên xử lý."}, ag)
			if p.withAsk || p.status == obstacle.WaitingForBusiness {
				push(obstacle.ActAsk, 2+rng.IntN(4), obstacle.Input{Note: demoQuestions[rng.IntN(len(demoQuestions))]}, ag)
				if p.status != obstacle.WaitingForBusiness {
					push(obstacle.ActAnswer, 1+rng.IntN(5), obstacle.Input{Note: demoAnswers[rng.IntN(len(demoAnswers))]}, obstacle.FilerActor)
				}
			}
			if p.status == obstacle.InProgress && rng.IntN(2) == 0 {
				push(obstacle.ActNote, 2+rng.IntN(3), obstacle.Input{Note: "Đã gửi văn bản lấy ý kiến các sở, ngành phối hợp."}, ag)
			}
		}
	}
	if p.status == obstacle.Resolved || p.status == obstacle.Closed {
		share := 30 + rng.IntN(60) // percent of the deadline used
		if p.late {
			share = 110 + rng.IntN(60)
		}
		push(obstacle.ActResolve, max(1, days*share/100-2), obstacle.Input{Resolution: demoResolutions[rng.IntN(len(demoResolutions))]}, ag)
		if p.reopen {
			push(obstacle.ActReopen, 1+rng.IntN(3), obstacle.Input{Note: "Doanh nghiệp chưa nhận được văn bản trả lời chính thức."}, obstacle.FilerActor)
			push(obstacle.ActResolve, 2+rng.IntN(4), obstacle.Input{Resolution: demoResolutions[rng.IntN(len(demoResolutions))]}, ag)
		}
		if p.status == obstacle.Closed {
			if p.auto {
				push(obstacle.ActAutoClose, obstacle.DefaultRules.ReopenWithinDays, obstacle.Input{}, obstacle.SystemActor)
			} else {
				rating := 3 + rng.IntN(3)
				if rng.IntN(8) == 0 {
					rating = 1 + rng.IntN(2)
				}
				push(obstacle.ActConfirm, 1+rng.IntN(5), obstacle.Input{Rating: rating, Note: "Cảm ơn Tổ công tác đã hỗ trợ."}, obstacle.FilerActor)
			}
		}
	}
	total := p.slack + p.overdueX
	for _, s := range steps {
		total += s.gap
	}
	created := demoAt(rng, cal.AddWorkingDays(now, -total), time.Time{})
	o.CreatedAt = created
	o.Timeline = []obstacle.Event{obstacle.NewEvent(created, obstacle.FilerActor, obstacle.ActSubmit, "", obstacle.Submitted, "", true)}
	o.Version = 1
	t := created
	held := "" // the lead as assigned, of the day
	for _, s := range steps {
		t = demoAt(rng, cal.AddWorkingDays(t, s.gap), t)
		in, actor := s.in, s.actor
		if s.action == obstacle.ActAssign {
			day := account.Day(t)
			in.LeadAgency = agencyOn(in.LeadAgency, day)
			in.CoordinatingAgencies = nil
			for _, c := range s.in.CoordinatingAgencies {
				if c = agencyOn(c, day); c != in.LeadAgency {
					in.CoordinatingAgencies = append(in.CoordinatingAgencies, c)
				}
			}
			held = in.LeadAgency
		}
		if actor.Role == obstacle.RoleAgency && held != "" {
			actor = obstacle.Actor{ID: "demo-officer-" + held, Role: obstacle.RoleAgency, Agency: held}
		}
		n, _, err := obstacle.Transition(o, s.action, in, actor, t, cal, obstacle.DefaultRules)
		if err != nil {
			return obstacle.Obstacle{}, false
		}
		n.Version = o.Version + 1
		o = n
	}
	// Open obstacles past their deadline were escalated as EscalateOverdue would.
	if o.Overdue(now) {
		for _, after := range []int{1, obstacle.DefaultRules.EscalatePPCAfterDays} {
			at := demoAt(rng, cal.AddWorkingDays(*o.Deadline, after), t)
			if cal.WorkingDaysBetween(*o.Deadline, now) < after || !at.Before(now) {
				break
			}
			n, _, err := obstacle.Transition(o, obstacle.ActEscalate, obstacle.Input{}, obstacle.SystemActor, at, cal, obstacle.DefaultRules)
			if err != nil {
				break
			}
			n.Version = o.Version + 1
			o, t = n, at
		}
	}
	o.UpdatedAt = o.Timeline[len(o.Timeline)-1].At
	sum := sha256.Sum256([]byte("demo:" + o.ID))
	o.IdempotencyKey = hex.EncodeToString(sum[:])
	return o, true
}

// demoMerged makes n duplicates of open obstacles in made, merged into them
// a few days after filing, and notes the merge on each primary.
func demoMerged(rng *rand.Rand, base, n int, made []obstacle.Obstacle, cal *holidays.Calendar, now time.Time) []obstacle.Obstacle {
	var primaries []int
	for i, o := range made {
		if (o.Status == obstacle.InProgress || o.Status == obstacle.Assigned) && cal.WorkingDaysBetween(o.CreatedAt, now) > 6 {
			primaries = append(primaries, i)
		}
	}
	var out []obstacle.Obstacle
	for k := 0; k < n && len(primaries) > 0; k++ {
		pi := primaries[(k*7)%len(primaries)]
		prim := &made[pi]
		d := cloneObstacle(prim)
		d.ID = fmt.Sprintf("%024x", 0xd0000+base+k)
		d.Filer.ContactPerson = demoNames[rng.IntN(len(demoNames))]
		d.Filer.Email = fmt.Sprintf("lienhe%03d@doanhnghiep.example", base+k)
		d.Status, d.LeadAgency, d.CoordinatingAgencies, d.Deadline = obstacle.Submitted, "", nil, nil
		d.EscalationLevel, d.PausedDays, d.PausedSince = 0, 0, nil
		created := demoAt(rng, cal.AddWorkingDays(prim.CreatedAt, 1+rng.IntN(3)), prim.CreatedAt)
		d.CreatedAt = created
		d.Timeline = []obstacle.Event{obstacle.NewEvent(created, obstacle.FilerActor, obstacle.ActSubmit, "", obstacle.Submitted, "", true)}
		d.Version = 1
		at := demoAt(rng, cal.AddWorkingDays(created, 1+rng.IntN(2)), created)
		if !at.Before(now) {
			continue
		}
		tf := obstacle.Actor{ID: "demo-taskforce-1", Role: obstacle.RoleTaskforce}
		m, _, err := obstacle.Transition(d, obstacle.ActMerge, obstacle.Input{ParentID: prim.ID, Note: "Trùng nội dung với kiến nghị đang xử lý."}, tf, at, cal, obstacle.DefaultRules)
		if err != nil {
			continue
		}
		m.Version = d.Version + 1
		m.UpdatedAt = at
		sum := sha256.Sum256([]byte("demo:" + m.ID))
		m.IdempotencyKey = hex.EncodeToString(sum[:])
		out = append(out, m)
		// The note on the primary, at its status of the moment; Obstacles fills
		// in the duplicate's tracking code.
		st := obstacle.Submitted
		for _, ev := range prim.Timeline {
			if !ev.At.After(at) {
				st = ev.ToStatus
			}
		}
		prim.Timeline = append(prim.Timeline, obstacle.NewEvent(at, tf, obstacle.ActMerge, st, st, m.ID, false))
		sort.SliceStable(prim.Timeline, func(i, j int) bool { return prim.Timeline[i].At.Before(prim.Timeline[j].At) })
		prim.Version++
		if at.After(prim.UpdatedAt) {
			prim.UpdatedAt = at
		}
	}
	return out
}

// cloneObstacle copies an obstacle with its own slices.
func cloneObstacle(o *obstacle.Obstacle) obstacle.Obstacle {
	c := *o
	c.Attachments = append([]obstacle.Attachment{}, o.Attachments...)
	c.CoordinatingAgencies = append([]string(nil), o.CoordinatingAgencies...)
	c.Timeline = append([]obstacle.Event(nil), o.Timeline...)
	return c
}

// ScaledObstacles returns the demo obstacles times scale (scale below 1
// counts as 1). projects are the demo projects of the same scale
// (Projects(scale, now)), the originals first. For scale 1 the result is
// Obstacles(projects, cal, now). Scale N appends N-1 replicas of that set:
// replica r keeps each story (dates, statuses, timeline) but gets its own
// id, idempotency key and tracking code, links to replica r of the project
// (code suffix -R<r>) and, for a merged duplicate, to replica r of its
// primary. Tracking numbers continue per year after the originals' (replica
// r of a year with n originals numbers them r·n+1 … r·n+n), so seeding a
// larger scale later adds the replicas and leaves the originals as they are.
func ScaledObstacles(projects []project.Project, scale int, cal *holidays.Calendar, now time.Time) []obstacle.Obstacle {
	if scale <= 1 {
		return Obstacles(projects, cal, now)
	}
	n := len(projects) / scale
	base := Obstacles(projects[:n], cal, now)
	perYear := map[int]int64{}
	for _, o := range base {
		perYear[o.CreatedAt.In(holidays.Location()).Year()]++
	}
	out := make([]obstacle.Obstacle, 0, len(base)*scale)
	out = append(out, base...)
	for r := 1; r < scale; r++ {
		suffix := "-R" + strconv.Itoa(r)
		id := func(baseID string) string { return replicaObstacleID(baseID, r) }
		code := map[string]string{}
		for _, o := range base {
			code[o.TrackingCode] = replicaTrackingCode(o.TrackingCode, int64(r)*perYear[o.CreatedAt.In(holidays.Location()).Year()])
		}
		for i := range base {
			o := cloneObstacle(&base[i])
			o.ID = id(o.ID)
			o.TrackingCode = code[o.TrackingCode]
			o.AccessKeyHash = obstacle.HashKey(ObstacleAccessKey(o.TrackingCode))
			sum := sha256.Sum256([]byte("demo:" + o.ID))
			o.IdempotencyKey = hex.EncodeToString(sum[:])
			if o.ProjectCode != "" {
				o.ProjectCode += suffix
			}
			if o.ParentID != "" {
				o.ParentID = id(o.ParentID)
			}
			for j, ev := range o.Timeline {
				if ev.Act() == obstacle.ActMerge && ev.FromStatus == ev.ToStatus {
					o.Timeline[j].Note = code[ev.Note]
				}
			}
			out = append(out, o)
		}
	}
	return out
}

// replicaObstacleID is the id of replica r of the demo obstacle baseID
// (24 hex digits, small): r goes into the high digits.
func replicaObstacleID(baseID string, r int) string {
	v, err := strconv.ParseUint(baseID, 16, 64)
	if err != nil {
		panic("seed: demo obstacle id " + baseID + " is not hex")
	}
	return fmt.Sprintf("%08x%016x", r, v)
}

// replicaTrackingCode moves a demo tracking code's number up by shift.
func replicaTrackingCode(code string, shift int64) string {
	var y int
	var seq int64
	if _, err := fmt.Sscanf(code, "VM-%d-%d", &y, &seq); err != nil {
		panic("seed: demo tracking code " + code + ": " + err.Error())
	}
	return obstacle.FormatTrackingCode(y, seq+shift)
}
