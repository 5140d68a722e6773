/*
 * 双万 · the offices' forms: the API's messages as a person reads them (window.OfficeMessages).
 *
 * The API speaks English to integrators; a clerk is told in Chinese. Each rule is a pattern of a
 * message the API gives (marshmallow's, and the domain's, named in shared/ and services/) and what
 * the page says instead; messages no rule matches are shown as the API gave them.
 */
(function () {
  "use strict";

  var LIST_NAMES = { funds: "资金", items: "物资", services: "服务", "policy sessions": "政策宣讲" };
  var SAYINGS = [
    [/^Missing data for required field\.$/, "必填。"],
    [/^Field may not be null\.$/, "必填。"],
    [/^Length must be between (\d+) and (\d+)\.$/, function (m, a, b, list) {
      return list ? "应选择或填写 " + a + " 至 " + b + " 项。" : "应为 " + a + " 至 " + b + " 个字。"; }],
    [/^Longer than maximum length (\d+)\.$/, "最多 $1 个字。"],
    [/^Must be one of: /, "请从列表中选择。"],
    [/^Not a valid integer\.$/, "应为整数。"],
    [/^Not a valid (number|decimal)/, "应为数字。"],
    [/^Not a valid date\.$/, "请填写有效的日期。"],
    [/^Not a valid boolean\.$/, "请选择。"],
    [/^Must be greater than or equal to (\d+) and less than or equal to (\d+)\.$/, "应在 $1 至 $2 之间。"],
    [/^At most two decimal places/, "金额最多保留两位小数（分）。"],
    [/^The date is in the future\.$/, "日期不能晚于今天。"],
    [/^A visit needs at least one cadre\.$/, "请至少选择一名干部。"],
    [/^A cadre is listed twice\.$/, "同一名干部只能选择一次。"],
    [/^Name at least one of the /, "请至少选择一项三问、三送、三学活动。"],
    [/^The visit lists (.+) but not the activity \w+ \((.+)\)\.$/, function (m, what, activity) {
      return "填写了" + (LIST_NAMES[what] || what) + "，请同时勾选“" + activity + "”。"; }],
    [/^The questionnaire is empty/, "这份问卷是空的：请至少评价一个单位，或填写意见建议。"],
    [/^The campaign is \w+; it does not accept answers now\.$/, "该评议活动现不接受问卷（未开始或已结束）。"],
    [/^Two opinions on organ .+; write them as one\.$/, "同一单位的意见请合并为一条。"],
    [/^Give both the responsible person and the deadline, or neither\.$/, "责任人和办理期限请同时填写，或都不填。"],
    [/^This is already on the problem ledger/, "已经登记到问题台账，不能重复登记。"],
    [/^The opinion is already hidden\.$/, "这条意见已隐藏。"],
    [/^The deadline is before the assignment date\.$/, "办理期限不能早于交办日期。"],
    [/^A problem can be returned only within (\d+) working days/, "交办超过 $1 个工作日，不能再退回。"],
    [/^Only long-term items carry a promised date\.$/, "只有长期事项可以承诺办结期限。"],
    [/^The promised date is in the past\.$/, "承诺日期不能早于今天。"],
    [/^Say why the person is not satisfied\.$/, "不满意时请填写回访意见。"],
    [/^Cannot .+ a problem that is \w+ \((.+)\)\.$/, "该问题当前为“$1”，不能进行这一步；请刷新后再办理。"],
    [/^The date is before the problem's last step \((.+)\)\.$/, "日期不能早于上一步（$1）。"],
    [/^Must be more than 0\.$/, "应大于 0。"],
    [/^Unknown region code /, "请从列表中选择地区。"],
    [/^The date is before the point was registered \((.+)\)\.$/, "日期不能早于建设点登记日期（$1）。"],
    [/^(.+) is already an instructor of this point\.$/, "$1 已是该建设点的党建工作指导员。"],
    [/^Name the instructor, or give the cadre sent\.$/, "请选择选派的干部，或填写指导员姓名。"],
    [/^The end is before the start\.$/, "计划结束日期不能早于开始日期。"],
    [/^(\d+) days on site do not fit in (\d+) days\.$/, "要求驻点 $1 天，超过了结对期限（共 $2 天）。"],
    [/^The date lies outside the pairing \((.+) to (.+)\)\.$/, "日期应在结对期限（$1 至 $2）之内。"],
    [/^Only (\d+) days have passed since the start by (.+); (\d+) are already logged\.$/,
     "从开始到 $2 只有 $1 天，已记录驻点 $3 天。"],
    [/^A pairing cannot end before it starts \((.+)\)\.$/, "结束日期不能早于开始日期（$1）。"],
    [/^The pairing has ended\.$/, "该结对已结束。"],
    [/^A cadre pairing names its cadre; /, "干部结对请选择结对干部；机关党组织结对不选干部。"],
    [/^A pairing with a construction point names the point; /, "结对新农村建设点请选择建设点；其他类型不选建设点。"],
    [/^The cadre belongs to organ /, "该干部不属于所选单位。"],
    [/^Name the organ whose party organisation pairs\.$/, "请选择结对单位。"],
    [/^The region is not the construction point's\.$/, "所在地区应为建设点所在地区。"],
    [/^The practice has already been \w+\.$/, "该经验做法已处理过；请刷新后查看。"],
    [/^The decision date is before the submission\.$/, "决定日期不能早于报送日期。"],
    [/^String does not match expected pattern\.$/, "格式不正确。"],
    [/^The campaign ends before it starts\.$/, "结束日期不能早于开始日期。"],
    [/^Organ .+ is listed twice\.$/, "同一单位只能列一次。"],
    [/^Organ region .+ is outside the campaign's region .+\.$/, "该单位所在地区不在本辖区内。"],
    [/^A respondent category is listed twice\.$/, "同一参评人员类别只能列一次。"],
    [/^Give a weight to every respondent category, or to none\.$/, "权重请全部填写，或都不填。"],
    [/^The respondent category weights are all zero\.$/, "权重不能全为 0。"],
    [/^A campaign needs at least one target organ before it opens\.$/, "开始评议前请至少添加一个评议对象。"],
    [/^A campaign needs at least one respondent category before it opens\.$/, "开始评议前请至少添加一个参评人员类别。"],
    [/^The campaign's results are already sealed\.$/, "结果已经封存。"],
    [/^Cannot .+ a campaign that is \w+\.$/, "该评议活动当前的状态不能进行这一步；请刷新后再试。"],
    [/^Cannot .+: the campaign is closed\.$/, "该评议活动已结束。"],
    [/^The campaign has no respondent category /, "本活动没有这一参评人员类别。"],
    [/^Nothing changed: /, "没有变更：请选择新职级或调入单位，或填写新职务。"],
    [/^An organ named .+ is already registered in \d+\.$/, "本地区已登记同名单位。"],
    [/^No \w+ \S+\.$/, "所选的记录不存在；请刷新后重试。"],
    [/^no such record: /, "本系统中没有这条记录（可能由其他办公室的系统登记办理）。"],
    [/^Give source_ref or source_ref_prefix, not both\.$/, "请只用一种方式按来源筛选问题。"],
    [/^Unknown (kind|place type|activities|rank) /, "请从列表中选择。"],
    [/^Log at least one day\.$/, "至少记录一天。"],
    [/^The visit is already cancelled\.$/, "该走访记录已撤销。"],
    [/^A visit cannot be cancelled before it took place\.$/, "撤销日期不能早于走访日期。"],
    [/^Name at least one exemplar who reported\.$/, "请至少填写一位作报告的先进典型。"],
    [/^A meeting is attended by at least one person\.$/, "参会人数至少为 1。"],
    [/^The meeting is already cancelled\.$/, "这场报告会已撤销。"],
    [/^A meeting cannot be cancelled before it was held\.$/, "撤销日期不能早于举办日期。"],
    [/^Publish to one or more of /, "请至少选择一个刊发渠道。"],
    [/^The amount must be more than ¥0\.$/, "金额应大于 0。"],
    [/^Donate at least one computer\.$/, "至少捐赠一台电脑。"],
    [/^Invitation batches are answered online with their codes, not keyed in\.$/,
     "邀请码批次由参评人员凭邀请码在网上作答，不在这里录入。"],
    [/^An opinion about no organ is assigned through /, "这条意见不针对具体单位：请先登记为问题，再在问题台账中交办。"],
    [/^The campaign has not opened: nothing was rated yet\.$/, "评议活动尚未开始，还没有评价。"],
    [/^Organ \S+ is not appraised in this campaign\.$/, "该单位不是本次活动的评议对象。"],
    [/^A paper batch has no invitation codes\.$/, "纸质问卷批次没有邀请码。"],
    [/^Points must not rise from /, "分值应按满意、基本满意、不满意依次不升。"],
    [/^Give each of the five dimensions exactly one weight\.$/, "五项评议内容各给一个权重。"],
    [/^Grade bands must be distinct grades, highest first\.$/, "等次应各不相同，从高到低排列。"],
    [/^The lowest grade band must start at 0, /, "最低等次应从 0 分起，使每个得分都有等次。"],
    [/^Unknown grade\.$/, "未知的等次。"],
    [/^The questionnaire asks each of the five dimensions exactly once\.$/, "问卷应对五项评议内容各问一次。"],
    [/^The scale is exactly (.+)\.$/, "评价等级应正好是：$1。"],
    [/^This questionnaire does not ask for opinions per organ\.$/, "本问卷不征求对各单位的意见。"],
    [/^This questionnaire does not ask for an overall opinion\.$/, "本问卷不征求总体意见。"],
    [/^The batch belongs to another campaign\.$/, "该批次属于另一个评议活动。"],
    [/^Version (\d+) of the questionnaire is not open for answers \(open: (.*)\)\.$/, "第 $1 版问卷现不接受作答（可作答的版本：$2）。"],
    [/^(.+) is not a dimension of this questionnaire\.$/, "“$1”不是本问卷的评议内容。"],
    [/^(.+) is not on the scale \((.*)\)\.$/, "“$1”不是本问卷的评价等级。"],
    [/^Organ \S+ is rated twice on .+\.$/, "同一单位的同一项评议内容只能评价一次。"]
  ];

  /** A message of the API as a person reads it; `list` when the field is a list (a group of choices). */
  function say(message, list) {
    for (var i = 0; i < SAYINGS.length; i++) {
      var rule = SAYINGS[i], match = rule[0].exec(message);
      if (!match) continue;
      if (typeof rule[1] === "function") return rule[1].apply(null, match.concat([list]));
      return rule[1].replace(/\$(\d)/g, function (_, n) { return match[n]; });
    }
    return message;
  }

  window.OfficeMessages = { say: say };
})();
