"""Demo data: a seeded, realistic 双万 campaign of the Ganzhou city office (赣州市, 360700), written
through the services' HTTP APIs — never into their stores — so every record passes the same checks
and publishes the same events as one typed in by an office.

    from shared.demo import FlaskClients, HttpClients, generate
    summary = generate(HttpClients({"visits": "http://127.0.0.1:8001", "appraisal": "http://127.0.0.1:8002"},
                                   token_secret), seed=2010)

What it writes (counts at scale 1 in the summary it returns): the city and its 18 county-level
units' organs in all eight categories, their cadres of every rank, twelve weeks (ending today,
China Standard Time) of visits with every place type and every 三问/三送/三学 activity, the problems
they raised followed through every state of the ledger (overdue, returned, reopened and long-term
ones included), research reports, construction points with and without 三个一, pairings of every
kind, good practices, report meetings on advanced examples (先进典型报告会, one recorded twice and
cancelled), and an open appraisal campaign with invitation and paper batches, answers
from all twelve respondent categories, online opinions and rectifications.

The generator first plans everything from `random.Random(seed)` (nothing a service answers feeds
the random stream, so a seed always plans the same campaign), then performs the writes in
business-date order. Any answer other than 2xx raises `DemoError` with the body: a rejected write
is never hidden.
"""
from __future__ import annotations

import csv
import io
import json as jsonlib
import random
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Callable, Protocol

from shared.clock import today as cst_today
from shared.regions import default_regions

SERVICES = ("visits", "appraisal")
CITY = "360700"
CITY_NAME = "赣州市"
OFFICE_SUBJECT = "赣州市直机关工委办公室"
TOKEN_TTL = 24 * 3600


# --- clients ------------------------------------------------------------------------------------

class DemoError(RuntimeError):
    """A service refused a write (or a read) of the demo: the status and the service's answer."""

    def __init__(self, service: str, method: str, path: str, status: int, body: Any):
        shown = body if isinstance(body, str) else jsonlib.dumps(body, ensure_ascii=False)
        super().__init__(f"{method} {service} {path} answered {status}: {shown[:2000]}")
        self.service, self.method, self.path, self.status, self.body = service, method, path, status, body


class Clients(Protocol):
    """How the generator reaches the services: one call per request, tokens issued locally."""

    def request(self, service: str, method: str, path: str, json: Any = None,
                headers: dict[str, str] | None = None) -> tuple[int, Any]:
        """Send a request; returns (status, body: parsed JSON, else text). Raises DemoError unless 2xx."""

    def auth(self, region: str, role: str, subject: str) -> dict[str, str]:
        """The Authorization header of an office token of `region` with `role`."""


class _TokenClients:
    """Issues (and caches) the office tokens the generator needs, from the services' shared secret."""

    def __init__(self, token_secret: str):
        if not token_secret:
            raise ValueError("no token secret given (SHUANGWAN_TOKEN_SECRET)")
        self.token_secret = token_secret
        self._headers: dict[tuple[str, str, str], dict[str, str]] = {}

    def auth(self, region: str, role: str, subject: str) -> dict[str, str]:
        from shared.web.auth import issue_token
        key = (region, role, subject)
        if key not in self._headers:
            token = issue_token(self.token_secret, subject, region, role, list(SERVICES), TOKEN_TTL)
            self._headers[key] = {"Authorization": "Bearer " + token}
        return self._headers[key]

    @staticmethod
    def _checked(service: str, method: str, path: str, status: int, body: Any) -> tuple[int, Any]:
        if not 200 <= status < 300:
            raise DemoError(service, method, path, status, body)
        return status, body


def _decode(content_type: str, data: bytes) -> Any:
    text = data.decode("utf-8-sig") if data else ""
    if "json" in (content_type or "") and text:
        return jsonlib.loads(text)
    return text


class HttpClients(_TokenClients):
    """The services over HTTP (stdlib urllib), e.g. {"visits": "http://127.0.0.1:8001", …}."""

    def __init__(self, base_urls: dict[str, str], token_secret: str, timeout: float = 60):
        super().__init__(token_secret)
        self.base_urls = {s: u.rstrip("/") for s, u in base_urls.items()}
        self.timeout = timeout

    def request(self, service: str, method: str, path: str, json: Any = None,
                headers: dict[str, str] | None = None) -> tuple[int, Any]:
        data = None if json is None else jsonlib.dumps(json, ensure_ascii=False).encode("utf-8")
        sent = {"Accept": "application/json", **(headers or {})}
        if data is not None:
            sent["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base_urls[service] + path, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                status, body = response.status, _decode(response.headers.get("Content-Type", ""), response.read())
        except urllib.error.HTTPError as error:
            status, body = error.code, _decode(error.headers.get("Content-Type", ""), error.read())
        return self._checked(service, method, path, status, body)


class FlaskClients(_TokenClients):
    """The services' Flask apps in this process, through their test clients (tests, benchmarks)."""

    def __init__(self, apps: dict[str, Any], token_secret: str):
        super().__init__(token_secret)
        self.clients = {service: app.test_client() for service, app in apps.items()}

    def request(self, service: str, method: str, path: str, json: Any = None,
                headers: dict[str, str] | None = None) -> tuple[int, Any]:
        response = self.clients[service].open(path, method=method, json=json, headers=headers or {})
        return self._checked(service, method, path, response.status_code,
                             _decode(response.content_type, response.get_data()))


# --- vocabularies ---------------------------------------------------------------------------------

SURNAMES = ("刘刘刘钟钟钟曾曾谢谢黄黄陈陈李李王张杨赖赖郭罗罗肖廖廖邱温温朱吴林何胡叶彭邓蔡徐宋袁卢曹严龚郑孙周"
            "邹康骆丁幸管凌")
GIVEN = "国建华文明志伟军平勇俊斌强林海峰涛辉荣新春晓丽红梅芳婷敏静燕霞玲琴秀英慧洁雪珍庆德福昌鸿鹏飞宇浩杰磊健超鑫亮波勤东南赣章贡承泽恒嘉佳思雨欣怡琳"

# A city organ: name, category, role (what it answers for), head title, head rank, deputy title,
# deputy rank, how well citizens know it (0..1), how satisfied they are with it (0..1).
CITY_ORGANS = [
    ("中共赣州市委办公室", "party_committee", "office", "秘书长", "deputy_bureau", "副主任", "deputy_county", .80, .66),
    ("中共赣州市纪律检查委员会机关", "party_committee", "discipline", "书记", "deputy_bureau", "副书记", "deputy_county", .85, .70),
    ("中共赣州市委组织部", "party_committee", "organisation", "部长", "deputy_bureau", "副部长", "deputy_county", .80, .68),
    ("中共赣州市委宣传部", "party_committee", "publicity", "部长", "deputy_bureau", "副部长", "deputy_county", .75, .64),
    ("中共赣州市委统战部", "party_committee", "united_front", "部长", "deputy_bureau", "副部长", "deputy_county", .55, .63),
    ("中共赣州市委政法委员会", "party_committee", "politics_law", "书记", "deputy_bureau", "副书记", "deputy_county", .70, .50),
    ("赣州市直属机关工作委员会", "party_committee", "working_committee", "书记", "county", "副书记", "deputy_county", .60, .66),
    ("赣州市人大常委会机关", "people_congress", "congress", "主任", "bureau", "副主任", "deputy_bureau", .80, .67),
    ("政协赣州市委员会机关", "cppcc", "cppcc", "主席", "bureau", "副主席", "deputy_bureau", .78, .66),
    ("赣州市中级人民法院", "court", "court", "院长", "deputy_bureau", "副院长", "deputy_county", .88, .58),
    ("赣州市人民检察院", "procuratorate", "procuratorate", "检察长", "deputy_bureau", "副检察长", "deputy_county", .82, .62),
    ("赣州市总工会", "mass_organisation", "union", "常务副主席", "county", "副主席", "deputy_county", .75, .68),
    ("共青团赣州市委员会", "mass_organisation", "youth", "书记", "county", "副书记", "deputy_county", .65, .66),
    ("赣州市妇女联合会", "mass_organisation", "women", "主席", "county", "副主席", "deputy_county", .72, .70),
    ("赣州市科学技术协会", "mass_organisation", "science", "主席", "county", "副主席", "deputy_county", .42, .64),
    ("赣州市工商业联合会", "mass_organisation", "commerce_fed", "主席", "county", "副主席", "deputy_county", .55, .62),
    ("赣州市残疾人联合会", "mass_organisation", "disabled", "理事长", "county", "副理事长", "deputy_county", .60, .48),
    ("赣州市发展和改革委员会", "government", "development", "主任", "county", "副主任", "deputy_county", .85, .64),
    ("赣州市教育局", "government", "education", "局长", "county", "副局长", "deputy_county", .92, .60),
    ("赣州市公安局", "government", "police", "局长", "deputy_bureau", "副局长", "deputy_county", .95, .66),
    ("赣州市民政局", "government", "civil_affairs", "局长", "county", "副局长", "deputy_county", .88, .65),
    ("赣州市财政局", "government", "finance", "局长", "county", "副局长", "deputy_county", .80, .62),
    ("赣州市人力资源和社会保障局", "government", "human_resources", "局长", "county", "副局长", "deputy_county", .90, .63),
    ("赣州市自然资源局", "government", "natural_resources", "局长", "county", "副局长", "deputy_county", .78, .36),
    ("赣州市生态环境局", "government", "environment", "局长", "county", "副局长", "deputy_county", .80, .58),
    ("赣州市住房和城乡建设局", "government", "housing", "局长", "county", "副局长", "deputy_county", .90, .30),
    ("赣州市交通运输局", "government", "transport", "局长", "county", "副局长", "deputy_county", .88, .60),
    ("赣州市农业农村局", "government", "agriculture", "局长", "county", "副局长", "deputy_county", .82, .67),
    ("赣州市商务局", "government", "commerce", "局长", "county", "副局长", "deputy_county", .70, .63),
    ("赣州市卫生健康委员会", "government", "health", "主任", "county", "副主任", "deputy_county", .92, .61),
    ("赣州市市场监督管理局", "government", "market", "局长", "county", "副局长", "deputy_county", .85, .55),
    ("赣州市行政审批局", "government", "approval", "局长", "county", "副局长", "deputy_county", .86, .80),
    ("赣州市城市管理局", "government", "urban", "局长", "county", "副局长", "deputy_county", .92, .33),
    ("赣州市工业和信息化局", "government", "industry", "局长", "county", "副局长", "deputy_county", .72, .65),
    ("赣州市水利局", "government", "water", "局长", "county", "副局长", "deputy_county", .70, .64),
    ("赣州市医疗保障局", "government", "medical_insurance", "局长", "county", "副局长", "deputy_county", .88, .62),
    ("国家税务总局赣州市税务局", "stationed", "tax", "局长", "deputy_bureau", "副局长", "deputy_county", .88, .68),
    ("赣州海关", "stationed", "customs", "关长", "county", "副关长", "deputy_county", .45, .66),
    ("中国人民银行赣州市分行", "stationed", "central_bank", "行长", "county", "副行长", "deputy_county", .50, .65),
    ("赣州市气象局", "stationed", "weather", "局长", "county", "副局长", "deputy_county", .50, .72),
    ("江西省赣州市烟草专卖局", "stationed", "tobacco", "局长", "county", "副局长", "deputy_county", .55, .45),
    ("国家金融监督管理总局赣州监管分局", "stationed", "finance_regulation", "局长", "county", "副局长", "deputy_county", .40, .62),
    ("赣州市邮政管理局", "stationed", "postal", "局长", "county", "副局长", "deputy_county", .04, .60),
]
# Who knows which organs better than most (familiarity added for that respondent category).
KNOWS_BETTER = {
    "enterprise_legal_rep": {"tax", "market", "approval", "development", "industry", "commerce", "customs",
                             "finance_regulation", "central_bank", "commerce_fed", "natural_resources"},
    "employee_or_trader": {"market", "tax", "human_resources", "urban", "approval", "medical_insurance"},
    "farmer_or_resident": {"agriculture", "civil_affairs", "health", "medical_insurance", "urban", "housing"},
    "village_cadre": {"agriculture", "civil_affairs", "natural_resources", "water", "transport", "organisation"},
    "democratic_party": {"united_front", "cppcc", "science"},
    "department_staff": {"working_committee", "organisation", "finance", "office", "discipline"},
    "military": {"civil_affairs", "police", "human_resources"},
    "retiree": {"health", "medical_insurance", "civil_affairs", "human_resources"},
    "clean_government_supervisor": {"discipline", "working_committee", "court", "procuratorate"},
}
# How leniently a respondent category judges (added to an organ's satisfaction).
LENIENCY = {
    "party_congress_deputy": .08, "npc_deputy": .04, "cppcc_member": .02, "democratic_party": 0,
    "department_staff": .12, "retiree": .03, "military": .06, "enterprise_legal_rep": -.08,
    "employee_or_trader": -.06, "village_cadre": .02, "farmer_or_resident": -.03, "clean_government_supervisor": -.05,
}
# Respondent categories: planned quota at scale 1, how their questionnaires go out.
RESPONDENTS = [
    ("party_congress_deputy", 30, "invitation", "市党代表"), ("npc_deputy", 35, "invitation", "市人大代表"),
    ("cppcc_member", 35, "invitation", "市政协委员"), ("democratic_party", 15, "invitation", "民主党派人士"),
    ("department_staff", 40, "invitation", "市直部门干部职工"), ("retiree", 25, "phone", "离退休干部（电话回访）"),
    ("military", 15, "invitation", "驻赣部队官兵"), ("enterprise_legal_rep", 45, "invitation", "规模以上企业法人代表"),
    ("employee_or_trader", 45, "invitation", "企业职工和个体工商户"), ("village_cadre", 35, "paper", "村（社区）干部"),
    ("farmer_or_resident", 55, "paper", "农民和社区居民代表"),
    ("clean_government_supervisor", 12, "invitation", "党风廉政建设特邀监督员"),
]
DIMENSIONS = ("serving_overall", "work_quality", "service_attitude", "cadre_conduct", "organ_image")
DIMENSION_NAMES = {"serving_overall": "服务大局", "work_quality": "工作质量", "service_attitude": "服务态度",
                   "cadre_conduct": "干部作风", "organ_image": "机关形象"}

# A county's organs: name pattern ({c}: the county's name), category, role, head/deputy title and rank.
# The first eight, one per category, are kept at any scale.
COUNTY_ORGANS = [
    ("{c}委办公室", "party_committee", "office", "主任", "section", "副主任", "deputy_section"),
    ("{c}人大常委会机关", "people_congress", "congress", "主任", "county", "副主任", "deputy_county"),
    ("政协{c}委员会机关", "cppcc", "cppcc", "主席", "county", "副主席", "deputy_county"),
    ("{c}人民法院", "court", "court", "院长", "deputy_county", "副院长", "section"),
    ("{c}人民检察院", "procuratorate", "procuratorate", "检察长", "deputy_county", "副检察长", "section"),
    ("{c}总工会", "mass_organisation", "union", "常务副主席", "section", "副主席", "deputy_section"),
    ("{c}民政局", "government", "civil_affairs", "局长", "section", "副局长", "deputy_section"),
    ("国家税务总局{c}税务局", "stationed", "tax", "局长", "section", "副局长", "deputy_section"),
    ("{c}交通运输局", "government", "transport", "局长", "section", "副局长", "deputy_section"),
    ("{c}农业农村局", "government", "agriculture", "局长", "section", "副局长", "deputy_section"),
    ("{c}发展和改革委员会", "government", "development", "主任", "section", "副主任", "deputy_section"),
    ("{c}住房和城乡建设局", "government", "housing", "局长", "section", "副局长", "deputy_section"),
    ("{c}行政审批局", "government", "approval", "局长", "section", "副局长", "deputy_section"),
    ("{c}纪委监委机关", "party_committee", "discipline", "书记", "deputy_county", "副书记", "section"),
    ("共青团{c}委员会", "mass_organisation", "youth", "书记", "section", "副书记", "deputy_section"),
]
STAFF_SECTIONS = ("综合", "政策法规", "人事", "财务", "业务", "督查", "信息")

PLACE_TYPES = ("village", "enterprise", "community", "industrial_park", "subordinate_unit")
PLACE_WEIGHTS = (35, 24, 16, 12, 13)
ACTIVITIES = ("ask_governance", "ask_needs", "ask_advice", "deliver_policy", "deliver_service", "deliver_warmth",
              "learn_from_cadres", "learn_from_people", "learn_from_practice")
PLACE_ACTIVITIES = {
    "village": ("ask_needs", "ask_needs", "deliver_policy", "deliver_warmth", "deliver_service", "learn_from_people",
                "ask_governance"),
    "enterprise": ("ask_needs", "ask_advice", "deliver_policy", "deliver_service", "learn_from_practice"),
    "community": ("ask_governance", "ask_needs", "deliver_warmth", "learn_from_people", "deliver_policy"),
    "industrial_park": ("ask_advice", "ask_needs", "deliver_policy", "deliver_service", "learn_from_practice"),
    "subordinate_unit": ("ask_governance", "learn_from_cadres", "ask_advice", "learn_from_practice"),
}
TOWNS = ("梅林", "沙地", "龙布", "长洛", "古陂", "大桥", "新田", "铁石口", "黄埠", "禾丰", "高兴", "青塘", "田村", "茅店",
         "五云", "韩坊", "珠兰", "长冈", "车头", "坪市", "固村", "横江", "水西", "潭口", "唐江", "大塘埠", "樟木", "罗坳")
VILLAGES = ("水南", "长岗", "新屋", "坳背", "塘背", "上坪", "下迳", "石坑", "龙口", "黄田", "岭背", "高排", "洋塘", "沙溪",
            "大坪", "樟树", "竹园", "丰田", "河背", "围下", "圳下", "湖洋", "社背", "岗面", "合龙", "莲塘", "丰坑", "石院")
COMMUNITIES = ("红旗", "东阳", "解放", "厚德", "滨江", "文清", "新城", "和平", "赣江", "章江", "水东", "沙石", "健康",
               "南门", "西门", "黄金", "城北", "城南", "钓鱼台", "五一")
BRANDS = ("华坚", "金力", "虔东", "章源", "富尔特", "齐云山", "明冠", "恒科", "兴达", "嘉泰", "新盛", "鸿运", "鑫源",
          "绿野", "橙乡", "红都", "客家", "赣鑫", "宏达", "永信")
INDUSTRIES = ("稀土新材料有限公司", "家具有限公司", "电子科技有限公司", "脐橙开发有限公司", "食品有限公司",
              "服装有限公司", "新能源科技有限公司", "钨业有限公司", "建材有限公司", "物流有限公司",
              "农业发展有限公司", "生物科技有限公司", "蔬菜专业合作社")
SUBORDINATE_UNITS = ("农业技术推广中心", "水利工程管理站", "林业工作站", "公路事业发展中心", "社会福利院",
                     "公共就业服务中心", "不动产登记中心", "疾病预防控制中心", "农村经营管理站", "社区服务中心")
FUNDS = (("慰问金", 500, 3000), ("产业发展扶持资金", 10000, 50000), ("助学金", 1000, 5000),
         ("村道修缮资金", 20000, 80000), ("党员活动室建设经费", 5000, 20000), ("春耕生产补助", 2000, 10000))
ITEMS = (("大米（袋）", 10, 60), ("食用油（桶）", 10, 60), ("棉被（床）", 5, 30), ("化肥（袋）", 20, 120),
         ("书包文具（套）", 10, 50), ("电脑（台）", 1, 5), ("脐橙苗（株）", 200, 1000))
SERVICES_GIVEN = ("农技指导（脐橙黄龙病防控）", "就业岗位信息发布", "法律咨询", "企业融资对接", "农村电商培训",
                  "送医义诊", "安全生产检查指导", "政务服务代办", "用工招聘对接", "油茶种植技术培训")
POLICY_TOPICS = ("创业担保贷款政策", "惠企纾困政策", "城乡居民医保政策", "城乡居民养老保险政策", "法律法规宣讲",
                 "乡村振兴衔接政策", "稳岗就业补贴政策", "农村危房改造政策", "高标准农田建设政策", "赣南苏区振兴发展政策")
VISIT_NOTES = {
    "village": "走访{place}，入户看望群众，召开村民座谈会，了解产业发展和群众生产生活困难。",
    "enterprise": "深入{place}，与企业负责人和职工座谈，了解生产经营、用工和融资情况。",
    "community": "到{place}走访居民，召开居民代表座谈会，听取对社区治理和公共服务的意见。",
    "industrial_park": "到{place}调研，实地察看在建项目，与入园企业座谈，收集发展难题。",
    "subordinate_unit": "到{place}调研指导，与基层干部职工交流，了解业务开展和队伍建设情况。",
}
PROBLEM_CATEGORIES = {
    "village": (("infrastructure", 4), ("livelihood", 4), ("policy", 2), ("environment", 2), ("other", 1)),
    "enterprise": (("enterprise", 5), ("policy", 2), ("service", 2), ("conduct", 1)),
    "community": (("livelihood", 3), ("infrastructure", 3), ("service", 2), ("environment", 1)),
    "industrial_park": (("enterprise", 4), ("infrastructure", 2), ("service", 2), ("policy", 1)),
    "subordinate_unit": (("service", 3), ("conduct", 1), ("other", 2), ("policy", 1)),
}
PROBLEMS = {
    "infrastructure": ("村组道路年久失修，雨天泥泞难行", "安全饮水管网老化，夏季经常停水", "小区路灯多处损坏，夜间出行不便",
                       "灌溉水渠淤塞，影响春耕用水", "园区至县城公交班次太少，职工通勤困难", "危桥未加固，学生上学存在安全隐患"),
    "livelihood": ("低保评定程序不够公开，群众有疑问", "留守老人日间照料缺少场所", "村卫生室常用药品不足",
                   "困难家庭子女上学交通不便", "独居老人冬季取暖无保障", "残疾人康复辅具申领周期长"),
    "enterprise": ("企业反映融资难、担保门槛高", "园区用工紧张，一线工人招不到", "留抵退税办理时间较长",
                   "用电增容报装周期长，影响投产", "物流成本高，缺少公共仓储", "技改补贴兑现慢"),
    "policy": ("产业扶持资金拨付不及时", "惠农补贴政策宣传不到位，部分农户不知情", "创业担保贷款申请材料繁多",
               "高标准农田建设后期管护责任不清"),
    "service": ("不动产登记需多次往返", "社保卡补办要跑县城", "企业开办仍需现场提交纸质材料", "办事窗口午休不对外服务"),
    "conduct": ("个别窗口工作人员态度生硬", "部分干部下村走过场、不解决实际问题", "个别执法人员执法方式简单粗暴"),
    "environment": ("养殖场污水直排河道", "矿区植被恢复进度慢", "垃圾清运不及时，村口堆积", "河道采砂后未修复岸线"),
    "other": ("村级组织活动场所面积不足", "群众希望增加文化活动场地", "村里缺少快递收发点"),
}
# The unit a problem of a category goes to (by role), in the county where it arose.
ROUTES = {"infrastructure": ("transport", "housing"), "livelihood": ("civil_affairs",),
          "enterprise": ("development", "approval"), "policy": ("agriculture", "development"),
          "service": ("approval", "civil_affairs"), "conduct": ("discipline", "office"),
          "environment": ("agriculture", "housing"), "other": ("office",)}
# The city organ a problem of a category goes to when it is beyond a county.
CITY_ROUTES = {"infrastructure": "transport", "livelihood": "civil_affairs", "enterprise": "industry",
               "policy": "development", "service": "approval", "conduct": "discipline", "environment": "environment",
               "other": "office"}
REPORT_TOPICS = ("脐橙产业高质量发展", "农村留守老人养老服务", "工业园区企业用工", "村级集体经济发展壮大",
                 "优化营商环境", "农村人居环境整治", "稀土产业转型升级", "红色旅游发展", "小微企业融资",
                 "城乡义务教育均衡发展", "油茶产业提质增效", "基层党组织建设")
EXEMPLARS = (("钟春香", "章贡区水南镇腊长村党支部书记", "带领村民发展脐橙产业，村集体经济年收入突破50万元"),
             ("刘建华", "赣州经济技术开发区某电子企业技术员", "扎根一线攻克关键工艺，带出徒弟40余名"),
             ("谢小兰", "南康区东山街道社区主任", "首创“板凳会”，化解邻里纠纷百余起"),
             ("黄国平", "于都县梓山镇潭头村第一书记", "驻村三年建成蔬菜基地，带动贫困户增收"),
             ("曾德明", "信丰县退休教师", "义务辅导留守儿童十二年"),
             ("邱美玲", "瑞金市个体工商户", "诚信经营，吸纳残疾人就业"))
PRACTICES = ("推行“一线工作法”，把问题解决在基层", "“干部夜访”收集社情民意", "建立“民情日记”制度",
             "“三送”服务队常驻工业园区", "“党建+产业”助推脐橙产业发展", "“周末夜学”向基层干部学经验",
             "“马上就办”提升机关效能", "“一村一策”破解集体经济薄弱难题", "“企业服务专员”一对一帮扶",
             "“结对帮扶明白卡”让群众心中有数", "“问题销号”台账闭环管理", "机关党员“双报到”进社区")
OPINIONS_ABOUT = {
    "housing": ("老旧小区改造施工拖了大半年，围挡一直不拆", "商品房延期交房投诉后一直没有答复"),
    "urban": ("占道经营整治一刀切，小摊贩没地方经营", "城管执法态度粗暴，希望文明执法"),
    "natural_resources": ("不动产登记要跑好几趟，材料要求前后不一", "宅基地审批时间太长"),
    "market": ("食品安全投诉后处理结果没人告知", "个体户年报系统不好用"),
    "politics_law": ("矛盾纠纷调解不及时，群众意见较大",),
    "disabled": ("残疾证办理和补贴发放流程繁琐",),
    "tobacco": ("零售许可证办理标准不透明",),
    "court": ("执行案件进度查询不方便，希望公开执行进展",),
    "approval": ("“一窗通办”很方便，跑一次就办好了，点赞", "帮办代办服务热情周到"),
    "police": ("户籍窗口中午不休息，值得表扬", "交警处理事故效率高"),
    "tax": ("电子税务局系统高峰期经常卡顿", "税务专员上门辅导很及时"),
    "health": ("医院挂号难问题有改善，希望继续推进检查结果互认",),
}
OPINIONS_GENERAL = ("希望机关干部多到基层听取意见，少开会多办事", "建议将评议结果和整改情况向社会公开",
                    "希望简化办事流程，推行“一次不跑”", "建议机关单位公开服务承诺和投诉电话",
                    "希望评议常态化，不要一阵风", "基层反映的问题要有回音，不能石沉大海",
                    "机关作风这几年明显好转，希望继续保持")
RESPONSE_OPINIONS = ("办事效率有待提高", "服务态度好，办事规范", "希望进一步公开办事指南", "下基层次数偏少",
                     "窗口人员业务不熟，解释不清", "整改落实要看实效")


# --- the plan -----------------------------------------------------------------------------------

@dataclass
class OrganPlan:
    key: str
    name: str
    category: str
    role: str
    region: str
    familiarity: float = .7
    quality: float = .62


@dataclass
class CadrePlan:
    key: str
    organ: OrganPlan
    name: str
    rank: str
    position: str
    leading: bool


@dataclass
class ProblemPlan:
    key: str
    category: str
    description: str
    region: str
    raised: date
    unit: OrganPlan
    wrong_unit: OrganPlan | None = None
    concerns: OrganPlan | None = None
    fate: str = "registered"


@dataclass
class Action:
    on: date
    phase: int
    seq: int
    run: Callable[[], None]


LEADING_FROM = {"city": "deputy_county", "county": "deputy_section"}
RANK_ORDER = ("clerk", "deputy_section", "section", "deputy_county", "county", "deputy_bureau", "bureau")
FATES = ("registered", "assigned", "in_progress", "reported_done", "closed", "reopened", "returned", "overdue",
         "long_term")
FATE_MIN_AGE = {"registered": 0, "assigned": 1, "in_progress": 2, "reported_done": 3, "closed": 4, "reopened": 6,
                "returned": 5, "overdue": 3, "long_term": 3}
FATE_MINIMUM = {"registered": 1, "assigned": 1, "in_progress": 1, "reported_done": 1, "closed": 2, "reopened": 2,
                "returned": 2, "overdue": 2, "long_term": 2}
FATE_WEIGHTS = {"assigned": 5, "in_progress": 14, "reported_done": 8, "closed": 44, "reopened": 7, "returned": 6,
                "overdue": 9, "long_term": 7}
STATUSES = ("registered", "assigned", "in_progress", "reported_done", "closed")
PAIRING_KINDS = ("cadre_household", "cadre_enterprise", "organ_village", "organ_point")


def is_leading(rank: str, region: str) -> bool:
    tier = "city" if region.endswith("00") else "county"
    return RANK_ORDER.index(rank) >= RANK_ORDER.index(LEADING_FROM[tier])


def short_name(county_name: str) -> str:
    """信丰县 → 信丰; 章贡区 → 章贡."""
    return county_name[:-1] if len(county_name) > 2 else county_name


def yuan(amount: int | Decimal) -> str:
    return f"{Decimal(amount):.2f}"


class _Demo:
    def __init__(self, clients: Clients, seed: int, weeks: int, scale: float, today: date):
        self.clients, self.rng = clients, random.Random(seed)
        self.seed, self.weeks, self.scale = seed, weeks, scale
        self.today = today
        self.start = today - timedelta(days=weeks * 7 - 1)
        self.span = (self.today - self.start).days + 1
        self.counties = default_regions().children(CITY)
        self.actions: list[Action] = []
        self.refs: dict[str, Any] = {}
        self.requests = 0
        self.names: set[str] = set()
        self.tally: Counter = Counter()
        self.problem_views: dict[str, dict] = {}      # visits ledger: key → last view seen
        self.rectification_views: dict[str, dict] = {}
        self.leading_now: dict[str, bool] = {}
        self.visit_totals = {"funds": Decimal("0"), "items": 0, "policy_attendance": 0, "people": 0}
        self.response_categories: Counter = Counter()
        self.pairing_kinds: Counter = Counter()
        self.ratings = Counter()

    # --- helpers -----------------------------------------------------------------------------

    def n(self, at_scale_one: float, minimum: int) -> int:
        return max(minimum, round(at_scale_one * self.scale))

    def day(self, lo: int, hi: int | None = None) -> date:
        """A date `lo`..`hi` days after the start (clamped to today)."""
        offset = lo if hi is None else self.rng.randint(lo, max(lo, hi))
        return min(self.start + timedelta(days=max(0, offset)), self.today)

    def later(self, on: date, lo: int, hi: int) -> date:
        return min(on + timedelta(days=self.rng.randint(lo, hi)), self.today)

    def person(self) -> str:
        while True:
            given = "".join(self.rng.choice(GIVEN) for _ in range(2 if self.rng.random() < .7 else 1))
            name = self.rng.choice(SURNAMES) + given
            if name not in self.names:
                self.names.add(name)
                return name

    def at(self, on: date, run: Callable[[], None], phase: int = 1) -> None:
        self.actions.append(Action(on, phase, len(self.actions), run))

    def call(self, service: str, method: str, path: str, body: Any = None,
             auth: dict[str, str] | None = None) -> Any:
        self.requests += 1
        return self.clients.request(service, method, path, json=body, headers=auth)[1]

    def admin(self) -> dict[str, str]:
        return self.clients.auth(CITY, "admin", OFFICE_SUBJECT)

    def clerk(self, region: str) -> dict[str, str]:
        name = CITY_NAME if region == CITY else default_regions().get(region).name
        return self.clients.auth(region, "clerk", f"{name}联络员")

    def clerk_for(self, *organs: OrganPlan) -> dict[str, str]:
        """A clerk whose jurisdiction covers every organ named: the county's if all are in one, else the city's."""
        regions = {o.region for o in organs}
        return self.clerk(regions.pop() if len(regions) == 1 and CITY not in regions else CITY)

    # --- organs and cadres -------------------------------------------------------------------

    def plan_organs(self) -> None:
        self.organs: list[OrganPlan] = []
        self.city_organs: dict[str, OrganPlan] = {}
        self.county_organs: dict[str, dict[str, OrganPlan]] = {}
        self.heads: dict[str, tuple] = {}
        for name, category, role, head, head_rank, deputy, deputy_rank, familiar, quality in CITY_ORGANS:
            organ = OrganPlan(f"organ:{len(self.organs)}", name, category, role, CITY, familiar,
                              quality + self.rng.uniform(-.04, .04))
            self.organs.append(organ)
            self.city_organs[role] = organ
            self.heads[organ.key] = (head, head_rank, deputy, deputy_rank)
        kept = max(8, round(len(COUNTY_ORGANS) * min(1.0, self.scale * 1.5)))
        for county in self.counties:
            own = self.county_organs.setdefault(county.code, {})
            for pattern, category, role, head, head_rank, deputy, deputy_rank in COUNTY_ORGANS[:kept]:
                organ = OrganPlan(f"organ:{len(self.organs)}", pattern.format(c=county.name), category, role,
                                  county.code)
                self.organs.append(organ)
                own[role] = organ
                self.heads[organ.key] = (head, head_rank, deputy, deputy_rank)
        for organ in self.organs:
            self.at(self.start, self.register_organ(organ), phase=0)

    def register_organ(self, organ: OrganPlan) -> Callable[[], None]:
        def run():
            made = self.call("visits", "POST", "/organs", {"name": organ.name, "category": organ.category,
                                                          "region": organ.region}, self.admin())
            self.refs[organ.key] = made["id"]
        return run

    def plan_cadres(self) -> None:
        self.cadres: list[CadrePlan] = []
        self.by_organ: dict[str, list[CadrePlan]] = {}
        for organ in self.organs:
            head, head_rank, deputy, deputy_rank = self.heads[organ.key]
            section = self.rng.choice(STAFF_SECTIONS)
            if organ.region == CITY:
                roster = [(head, head_rank), (deputy, deputy_rank), ("一级科员", "clerk"), (f"{section}科科长", "section"),
                          ("秘书长", "county") if deputy_rank == "deputy_bureau" else (deputy, deputy_rank),
                          (f"{section}科副科长", "deputy_section"), ("科员", "clerk")]
                size = max(3, round(6 * self.scale))
            else:
                roster = [(head, head_rank), (deputy, deputy_rank), ("科员", "clerk"), (f"{section}股股长", "clerk")]
                size = 2 + (self.rng.random() < min(1.0, .9 * self.scale + .1)) + (self.rng.random() < .2 * self.scale)
            for position, rank in roster[:size]:
                cadre = CadrePlan(f"cadre:{len(self.cadres)}", organ, self.person(), rank, position,
                                  is_leading(rank, organ.region))
                self.cadres.append(cadre)
                self.by_organ.setdefault(organ.key, []).append(cadre)
                self.at(self.start, self.register_cadre(cadre), phase=0)

    def register_cadre(self, cadre: CadrePlan) -> Callable[[], None]:
        def run():
            body = {"organ_id": self.refs[cadre.organ.key], "name": cadre.name, "rank": cadre.rank,
                    "position": cadre.position}
            made = self.call("visits", "POST", "/cadres", body, self.admin())
            self.refs[cadre.key] = made["id"]
            self.leading_now[cadre.key] = made["leading"]
        return run

    def plan_promotions(self) -> None:
        """A few promotions mid-campaign; one county clerk becomes a leading cadre (副科)."""
        clerks = [c for c in self.cadres if c.rank == "clerk" and c.organ.region != CITY]
        deputies = [c for c in self.cadres if c.rank == "deputy_county" and c.organ.region == CITY]
        chosen = self.rng.sample(clerks, min(len(clerks), self.n(2, 1)))
        chosen += self.rng.sample(deputies, min(len(deputies), self.n(1, 1)))
        for cadre in chosen:
            rank = RANK_ORDER[RANK_ORDER.index(cadre.rank) + 1]
            position = "副主任科员" if rank == "deputy_section" else "党组成员、" + cadre.position
            on = self.day(self.span // 3, 2 * self.span // 3)
            self.at(on, self.promote(cadre, rank, position, on))

    def promote(self, cadre: CadrePlan, rank: str, position: str, on: date) -> Callable[[], None]:
        def run():
            changed = self.call("visits", "PATCH", f"/cadres/{self.refs[cadre.key]}",
                                {"rank": rank, "position": position, "on": on.isoformat()}, self.admin())
            self.leading_now[cadre.key] = changed["leading"]
            self.tally["cadre_changes"] += 1
        return run

    # --- visits and the problems they raise -------------------------------------------------

    def visit_dates(self, count: int) -> list[date]:
        days = [self.start + timedelta(days=i) for i in range(self.span)]
        weights = []
        for i, d in enumerate(days):
            ramp = .45 if i < 7 else .8 if i < 14 else 1.0   # 宣传动员 first, then 组织实施
            weights.append(ramp * (1.0 if d.weekday() < 5 else .12))
        return sorted(self.rng.choices(days, weights, k=count))

    def place_name(self, place_type: str, region: str, organ: OrganPlan) -> str:
        county = default_regions().get(region).name
        short = short_name(county)
        if place_type == "village":
            return f"{county}{self.rng.choice(TOWNS)}镇{self.rng.choice(VILLAGES)}村"
        if place_type == "community":
            return f"{county}{self.rng.choice(COMMUNITIES)}社区"
        if place_type == "enterprise":
            return f"{self.rng.choice(('江西', '赣州', short))}{self.rng.choice(BRANDS)}{self.rng.choice(INDUSTRIES)}"
        if place_type == "industrial_park":
            return f"{short}{self.rng.choice(('工业园区', '高新技术产业园区', '经济技术开发区'))}"
        owner = CITY_NAME if organ.region == CITY else short
        return f"{owner}{self.rng.choice(SUBORDINATE_UNITS)}"

    def plan_visits(self) -> None:
        count = self.n(600, 60)
        dates = self.visit_dates(count)
        leading = [c for c in self.cadres if c.leading]
        others = [c for c in self.cadres if not c.leading]
        self.rng.shuffle(leading)
        self.rng.shuffle(others)
        active_leading = leading[:max(1, round(len(leading) * .82))]
        active_others = others[:max(1, round(len(others) * .45))]
        places = list(PLACE_TYPES) + self.rng.choices(PLACE_TYPES, PLACE_WEIGHTS, k=count - len(PLACE_TYPES))
        self.rng.shuffle(places)
        forced_activities = dict(zip(self.rng.sample(range(count), len(ACTIVITIES)), ACTIVITIES))
        self.visits: list[dict] = []
        self.first_visit: dict[str, date] = {}
        for i, on in enumerate(dates):
            if i < len(active_leading):
                lead = active_leading[i]
            else:
                lead = self.rng.choice(active_leading if self.rng.random() < .6 else active_others)
            team = [lead]
            colleagues = [c for c in self.by_organ[lead.organ.key] if c is not lead]
            for _ in range(self.rng.choice((0, 0, 1, 1, 2))):
                if colleagues:
                    team.append(colleagues.pop(self.rng.randrange(len(colleagues))))
            if lead.organ.region == CITY:
                region = self.rng.choice(self.counties).code
            else:
                region = lead.organ.region
            place_type = places[i]
            activities = self.visit_activities(place_type, forced_activities.get(i))
            body = {"region": region, "visited_on": on.isoformat(), "place_type": place_type,
                    "place_name": self.place_name(place_type, region, lead.organ), "activities": activities}
            body.update(self.reached(place_type))
            body.update(self.assistance(activities))
            body["notes"] = VISIT_NOTES[place_type].format(place=body["place_name"])
            visit = {"key": f"visit:{i}", "on": on, "team": team, "body": body, "problems": [],
                     "place_type": place_type, "lead": lead}
            self.visits.append(visit)
            for cadre in team:
                self.first_visit.setdefault(cadre.key, on)
        for visit in self.visits:
            self.at(visit["on"], self.log_visit(visit))
        self.plan_problems()  # after the visits: a step on the day a problem was raised comes after its visit
        self.plan_cancellations()

    def visit_activities(self, place_type: str, forced: str | None) -> list[str]:
        pool = PLACE_ACTIVITIES[place_type]
        chosen = set(self.rng.sample(pool, self.rng.choice((1, 2, 2, 3, 3, 4))))
        if self.rng.random() < .2:
            chosen.add(self.rng.choice(ACTIVITIES))
        if forced:
            chosen.add(forced)
        return [a for a in ACTIVITIES if a in chosen]

    def reached(self, place_type: str) -> dict:
        people = {"village": (10, 80), "enterprise": (5, 40), "community": (15, 100), "industrial_park": (8, 60),
                  "subordinate_unit": (5, 30)}[place_type]
        households = self.rng.randint(3, 30) if place_type in ("village", "community") else 0
        return {"people_reached": self.rng.randint(*people), "households_reached": households}

    def assistance(self, activities: list[str]) -> dict:
        out: dict = {}
        if "deliver_policy" in activities and self.rng.random() < .65:
            out["policy_sessions"] = [{"topic": t, "attendance": self.rng.randint(15, 150)}
                                      for t in self.rng.sample(POLICY_TOPICS, self.rng.choice((1, 1, 2)))]
        funds, items = [], []
        if "deliver_warmth" in activities and self.rng.random() < .6:
            funds.append({"purpose": "慰问金", "amount_yuan": yuan(self.rng.randrange(500, 5001, 100))})
            items.append({"name": self.rng.choice(ITEMS[:3])[0], "count": self.rng.randint(10, 50)})
        if "deliver_service" in activities:
            if self.rng.random() < .45:
                purpose, lo, hi = self.rng.choice(FUNDS[1:])
                amount = Decimal(self.rng.randrange(lo, hi + 1, 100))
                if self.rng.random() < .1:
                    amount += Decimal("0.50")
                funds.append({"purpose": purpose, "amount_yuan": yuan(amount)})
            if self.rng.random() < .35:
                name, lo, hi = self.rng.choice(ITEMS[3:])
                items.append({"name": name, "count": self.rng.randint(lo, hi)})
            if self.rng.random() < .55:
                out["services"] = self.rng.sample(SERVICES_GIVEN, self.rng.choice((1, 1, 2)))
        if funds:
            out["funds"] = funds
        if items:
            out["items"] = items
        if (funds or items) and "deliver_service" not in activities:
            activities.insert(activities.index("deliver_warmth"), "deliver_service")  # 慰问 counts as 送服务 too
            activities.sort(key=ACTIVITIES.index)
        return out

    def log_visit(self, visit: dict) -> Callable[[], None]:
        def run():
            body = {**visit["body"], "cadre_ids": [self.refs[c.key] for c in visit["team"]],
                    "problems": [self.problem_body(p) for p in visit["problems"]]}
            made = self.call("visits", "POST", "/visits", body, self.clerk_for(*(c.organ for c in visit["team"])))
            self.refs[visit["key"]] = made["id"]
            for problem, problem_id in zip(visit["problems"], made["problem_ids"]):
                self.refs[problem.key] = problem_id
            self.tally["visits"] += 1
            self.visit_totals["funds"] += Decimal(made["funds_total_yuan"])
            self.visit_totals["items"] += made["items_total"]
            self.visit_totals["policy_attendance"] += made["policy_attendance_total"]
            self.visit_totals["people"] += made["people_reached"]
        return run

    def problem_body(self, problem: ProblemPlan) -> dict:
        body = {"category": problem.category, "description": problem.description}
        if problem.concerns:
            body["organ_id"] = self.refs[problem.concerns.key]
        return body

    def plan_problems(self) -> None:
        count = min(len(self.visits), self.n(180, 24))
        chosen = sorted(self.rng.sample(range(len(self.visits)), count))
        self.problems: list[ProblemPlan] = []
        for index in chosen:
            visit = self.visits[index]
            for _ in range(2 if self.rng.random() < .15 else 1):
                cats, weights = zip(*PROBLEM_CATEGORIES[visit["place_type"]])
                category = self.rng.choices(cats, weights)[0]
                region = visit["body"]["region"]
                unit = self.route(category, region)
                problem = ProblemPlan(f"problem:{len(self.problems)}", category,
                                      self.rng.choice(PROBLEMS[category]), region, visit["on"], unit)
                if self.rng.random() < .4:
                    problem.concerns = unit
                visit["problems"].append(problem)
                self.problems.append(problem)
        self.assign_fates()
        for problem in self.problems:
            self.plan_steps(problem)

    def route(self, category: str, region: str) -> OrganPlan:
        if self.rng.random() < .15:
            return self.city_organs[CITY_ROUTES[category]]
        own = self.county_organs[region]
        roles = [r for r in ROUTES[category] if r in own]
        return own[self.rng.choice(roles)] if roles else own["office"]

    def assign_fates(self) -> None:
        for problem in self.problems:
            age = (self.today - problem.raised).days
            if age < 3 and self.rng.random() < .7:
                problem.fate = "registered"
                continue
            possible = [f for f in FATE_WEIGHTS if FATE_MIN_AGE[f] <= age]
            problem.fate = self.rng.choices(possible, [FATE_WEIGHTS[f] for f in possible])[0] if possible \
                else "registered"
        counts = Counter(p.fate for p in self.problems)
        for fate in FATES:
            while counts[fate] < FATE_MINIMUM[fate]:
                spare = [p for p in self.problems if counts[p.fate] > FATE_MINIMUM[p.fate]
                         and (self.today - p.raised).days >= FATE_MIN_AGE[fate]]
                if not spare:
                    break
                problem = self.rng.choice(spare)
                counts[problem.fate] -= 1
                problem.fate = fate
                counts[fate] += 1

    # The ledger steps each fate takes (目标状态); a step's name before "_" says which gap precedes it.
    STEP_GAPS = {"refer": (1, 5), "progress": (2, 10), "done": (4, 20), "verify": (2, 7), "return": (1, 5),
                 "promise": (3, 15)}

    def fate_steps(self, fate: str) -> list[str]:
        r = self.rng
        if fate == "assigned":
            return ["refer"]
        if fate == "in_progress":
            return ["refer", "progress"] + (["progress"] if r.random() < .4 else [])
        if fate == "reported_done":
            return ["refer", "progress", "done"]
        if fate == "closed":
            return ["refer", "progress", "done", "verify"]
        if fate == "reopened":  # 复号, then back at work; half of them closed at the second try
            again = ["done", "verify"] if r.random() < .5 else []
            return ["refer", "progress", "done", "verify_no", "progress"] + again
        if fate == "returned":  # 退回 by the wrong unit; most are then assigned to the right one
            again = ["refer", "progress"] + (["done", "verify"] if r.random() < .5 else [])
            return ["refer_wrong", "return"] + (again if r.random() < .6 else [])
        if fate == "overdue":
            return ["refer"] + (["progress"] if r.random() < .6 else [])
        if fate == "long_term":
            return ["refer", "progress", "promise"]
        return []

    def plan_steps(self, p: ProblemPlan) -> None:
        """The ledger steps of a problem, dated in order between when it was raised and today."""
        if p.fate == "returned":
            p.wrong_unit = self.wrong_unit(p)
        seq = [(step, self.rng.randint(*self.STEP_GAPS[step.split("_")[0]])) for step in self.fate_steps(p.fate)]
        available = (self.today - p.raised).days
        total = sum(gap for _, gap in seq)
        if total > available:  # a younger problem moves faster, never past today
            seq = [(step, gap * available // total) for step, gap in seq]
        on = p.raised
        for step, gap in seq:
            on = on + timedelta(days=gap)
            self.at(on, self.ledger_step(p, step, on))

    def wrong_unit(self, p: ProblemPlan) -> OrganPlan:
        own = self.county_organs[p.region]
        candidates = [o for o in own.values() if o is not p.unit and o.role != "office"]
        return self.rng.choice(candidates)

    def deadline(self, p: ProblemPlan, referred: date) -> tuple[date, bool]:
        r = self.rng
        if p.fate == "overdue" and referred < self.today:
            return referred + timedelta(days=r.randint(0, min(30, (self.today - referred).days - 1))), False
        if p.fate == "long_term":
            return referred + timedelta(days=r.randint(20, 40)), True
        if p.fate in ("closed",):
            return referred + timedelta(days=r.randint(15, 45)), False
        return max(referred + timedelta(days=r.randint(15, 45)), self.today + timedelta(days=r.randint(5, 30))), False

    def ledger_step(self, p: ProblemPlan, step: str, on: date) -> Callable[[], None]:
        r = self.rng
        body: dict = {"on": on.isoformat()}
        if step in ("refer", "refer_wrong"):
            unit = p.wrong_unit if step == "refer_wrong" else p.unit
            deadline, long_term = self.deadline(p, on) if step == "refer" else (on + timedelta(days=30), False)
            endpoint, body = "referral", {**body, "unit_name": unit.name, "deadline": deadline.isoformat(),
                                          "long_term": long_term,
                                          "measures": f"责成{unit.name}核实情况，制定整改方案，按期办结并回复群众。"}
            head = self.by_organ[unit.key][min(1, len(self.by_organ[unit.key]) - 1)]
            body["responsible_person"] = f"{head.name}（{head.position}）"
            unit_key = unit.key
        elif step == "return":
            endpoint, unit_key = "return", None
            body["reason"] = f"经核实，该问题不属于{p.wrong_unit.name}职责范围，建议交{p.unit.name}办理。"
        elif step == "progress":
            endpoint, unit_key = "progress", None
            body["note"] = r.choice(("已现场核查，制定整改方案。", "已协调相关单位召开专题会研究解决。",
                                     "整改资金已落实，正在组织施工。", "已约谈相关责任人，限期整改。",
                                     "已向上级部门争取政策支持，正在推进。"))
        elif step == "promise":
            endpoint, unit_key = "promised-date", None
            body["promised_date"] = (self.today + timedelta(days=r.randint(60, 200))).isoformat()
            body["reason"] = r.choice(("项目需纳入明年财政预算，建设周期较长。", "需完成立项审批和招投标程序。"))
        elif step == "done":
            endpoint, unit_key = "done", None
            body["result"] = r.choice(("问题已整改到位，已向群众反馈。", "已完成维修，经现场验收合格。",
                                       "相关政策已落实到户，资金已拨付。", "已建立长效机制，问题得到解决。"))
        else:
            endpoint, unit_key = "verification", None
            satisfied = step == "verify"
            body["satisfied"] = satisfied
            body["feedback"] = r.choice(("群众表示满意。", "回访群众，对整改结果满意。")) if satisfied else \
                r.choice(("群众反映问题仍未彻底解决，要求继续整改。", "回访发现整改不到位，群众不满意。"))

        def run():
            sent = dict(body)
            if unit_key:
                sent["unit_id"] = self.refs[unit_key]
            view = self.call("visits", "POST", f"/problems/{self.refs[p.key]}/{endpoint}", sent, self.clerk(p.region))
            self.problem_views[p.key] = view
        return run

    def plan_cancellations(self) -> None:
        quiet = [v for v in self.visits if not v["problems"]]
        for visit in self.rng.sample(quiet, min(len(quiet), self.n(6, 1))):
            on = self.later(visit["on"], 0, 3)
            reason = self.rng.choice(("重复录入，已另行登记。", "走访计划临时取消，误录为已走访。"))
            self.at(on, self.cancel_visit(visit, on, reason))

    def cancel_visit(self, visit: dict, on: date, reason: str) -> Callable[[], None]:
        def run():
            self.call("visits", "POST", f"/visits/{self.refs[visit['key']]}/cancellation",
                      {"reason": reason, "on": on.isoformat()}, self.clerk_for(*(c.organ for c in visit["team"])))
            self.tally["visits_cancelled"] += 1
        return run

    # --- research reports, points, pairings, practices ----------------------------------------

    def plan_reports(self) -> None:
        visited_leading = [c for c in self.cadres if c.leading and c.key in self.first_visit]
        visited_others = [c for c in self.cadres if not c.leading and c.key in self.first_visit]
        authors = [c for c in visited_leading if self.rng.random() < .42]
        authors += [c for c in visited_others if self.rng.random() < .04]
        for n, cadre in enumerate(authors):
            earliest = self.first_visit[cadre.key] + timedelta(days=7)
            if earliest > self.today:
                continue
            on = earliest + timedelta(days=self.rng.randint(0, (self.today - earliest).days))
            region = cadre.organ.region
            place = CITY_NAME if region == CITY else default_regions().get(region).name
            topic = self.rng.choice(REPORT_TOPICS)
            body = {"title": f"关于{place}{topic}的调研报告",
                    "summary": (f"通过走访{self.rng.randint(3, 12)}个村（社区）、{self.rng.randint(2, 10)}家企业，召开座谈会"
                                f"{self.rng.randint(1, 5)}次，梳理出{topic}方面{self.rng.randint(3, 6)}个突出问题，"
                                f"提出{self.rng.randint(4, 8)}条对策建议。"),
                    "attachment_ref": f"{cadre.organ.name}调研〔{on.year}〕{n + 1}号", "on": on.isoformat()}
            self.at(on, self.submit_report(cadre, body))

    def submit_report(self, cadre: CadrePlan, body: dict) -> Callable[[], None]:
        def run():
            self.call("visits", "POST", "/reports", {**body, "cadre_id": self.refs[cadre.key]},
                      self.clerk_for(cadre.organ))
            self.tally["reports"] += 1
        return run

    def plan_points(self) -> None:
        count = self.n(24, 6)
        self.points: list[dict] = []
        compliant_plan = [True, False] + [self.rng.random() < .62 for _ in range(count - 2)]
        for i in range(count):
            county = self.rng.choice(self.counties)
            organ = self.rng.choice(list(self.city_organs.values())) if self.rng.random() < .7 else \
                self.rng.choice(list(self.county_organs[county.code].values()))
            name = f"{county.name}{self.rng.choice(TOWNS)}镇{self.rng.choice(VILLAGES)}村新农村建设点"
            on = self.day(0, min(20, self.span - 1))
            point = {"key": f"point:{i}", "name": name, "region": county.code, "organ": organ, "on": on}
            self.points.append(point)
            self.at(on, self.register_point(point))
            self.plan_three_ones(point, compliant_plan[i])

    def register_point(self, point: dict) -> Callable[[], None]:
        def run():
            made = self.call("visits", "POST", "/points", {"name": point["name"], "region": point["region"],
                                                           "organ_id": self.refs[point["organ"].key],
                                                           "on": point["on"].isoformat()}, self.admin())
            self.refs[point["key"]] = made["id"]
            self.tally["points"] += 1
        return run

    def plan_three_ones(self, point: dict, compliant: bool) -> None:
        """三个一: an instructor, ≥ ¥10,000 for the activity room, ≥ 1 computer — all, or something missing."""
        organ, r = point["organ"], self.rng
        lacking = None if compliant else r.choice(("instructor", "funds", "computer"))
        parts: list[tuple[str, dict]] = []
        if lacking != "instructor":
            parts.append(("instructors", {"cadre": r.choice(self.by_organ[organ.key])}))
        tranches = [10000] if r.random() < .5 else [6000, 4000] if r.random() < .5 else [12000]
        if lacking == "funds":
            tranches = [r.choice((3000, 5000, 8000))]
        for amount in tranches:
            parts.append(("funds", {"amount_yuan": yuan(amount)}))
        if lacking != "computer":
            parts.append(("computers", {"count": r.randint(1, 3)}))
        on = point["on"]
        for kind, body in parts:
            on = self.later(on, 2, 18)
            self.at(on, self.contribute(point, kind, body, on))

    def contribute(self, point: dict, kind: str, body: dict, on: date) -> Callable[[], None]:
        def run():
            sent = {k: v for k, v in body.items() if k != "cadre"}
            sent.update(on=on.isoformat(), organ_id=self.refs[point["organ"].key])
            if "cadre" in body:
                sent["cadre_id"] = self.refs[body["cadre"].key]
            view = self.call("visits", "POST", f"/points/{self.refs[point['key']]}/{kind}", sent, self.clerk(CITY))
            self.refs[point["key"] + ":compliant"] = view["compliant"]
        return run

    def plan_pairings(self) -> None:
        r = self.rng
        plans: list[dict] = []
        active = [c for c in self.cadres if c.key in self.first_visit]
        for kind, count, minimum in (("cadre_household", 40, 4), ("cadre_enterprise", 12, 2), ("organ_village", 18, 3)):
            for _ in range(self.n(count, minimum)):
                cadre = r.choice(active) if kind != "organ_village" else None
                organ = cadre.organ if cadre else r.choice(self.organs)
                region = organ.region if organ.region != CITY else r.choice(self.counties).code
                county = default_regions().get(region).name
                if kind == "cadre_household":
                    need = r.choice(("低保户", "残疾人家庭", "因病致困户", "独居老人"))
                    partner = f"{r.choice(SURNAMES)}某某户（{county}{r.choice(VILLAGES)}村，{need}）"
                elif kind == "cadre_enterprise":
                    partner = f"{short_name(county)}{r.choice(BRANDS)}{r.choice(INDUSTRIES)}"
                else:
                    partner = f"{county}{r.choice(TOWNS)}镇{r.choice(VILLAGES)}村党支部"
                plans.append({"kind": kind, "cadre": cadre, "organ": organ, "region": region, "partner": partner})
        for point in self.points:
            plans.append({"kind": "organ_point", "cadre": None, "organ": point["organ"], "region": point["region"],
                          "partner": point["name"].replace("新农村建设点", "党支部"), "point": point})
        ended = set(r.sample(range(len(plans)), max(2, round(len(plans) * .2))))
        for i, plan in enumerate(plans):
            earliest = plan["point"]["on"] if "point" in plan else self.start
            offset = (earliest - self.start).days
            if i in ended:
                start = self.day(offset, max(offset, self.span - 45))
                end = start + timedelta(days=r.randint(30, 60))
                required = r.choice((0, 10, 15))
            else:
                start = self.day(offset, max(offset, self.span * 2 // 3))
                end = start + timedelta(days=364)
                required = r.choice((0, 12, 24)) if plan["kind"] != "organ_village" else r.choice((24, 36))
            plan.update(key=f"pairing:{i}", start=start, end=end, required=required)
            self.at(start, self.start_pairing(plan))
            last, logged = start, 0
            for _ in range(r.choice((0, 1, 1, 2, 3))):
                on = self.later(last, 5, 25)
                if on > end:
                    break
                days = min(r.randint(1, 6), (on - start).days + 1 - logged)
                if days < 1:
                    continue
                logged += days
                last = on
                self.at(on, self.log_days(plan, days, on))
            if i in ended:
                on = min(end, self.today)
                if on >= last:
                    self.at(on, self.end_pairing(plan, on))

    def start_pairing(self, plan: dict) -> Callable[[], None]:
        def run():
            body = {"kind": plan["kind"], "partner_name": plan["partner"], "region": plan["region"],
                    "start_on": plan["start"].isoformat(), "end_on": plan["end"].isoformat(),
                    "required_days": plan["required"], "organ_id": self.refs[plan["organ"].key]}
            if plan["cadre"]:
                body["cadre_id"] = self.refs[plan["cadre"].key]
            if plan["kind"] == "organ_point":
                body["point_id"] = self.refs[plan["point"]["key"]]
            made = self.call("visits", "POST", "/pairings", body, self.clerk_for(plan["organ"]))
            self.refs[plan["key"]] = made["id"]
            self.tally["pairings"] += 1
            self.pairing_kinds[made["kind"]] += 1
        return run

    def log_days(self, plan: dict, days: int, on: date) -> Callable[[], None]:
        note = self.rng.choice(("入户走访，帮助制定增收计划。", "驻村开展政策宣讲和矛盾调解。", "协调解决生产资金和销路问题。"))

        def run():
            self.call("visits", "POST", f"/pairings/{self.refs[plan['key']]}/days",
                      {"days": days, "on": on.isoformat(), "note": note}, self.clerk_for(plan["organ"]))
        return run

    def end_pairing(self, plan: dict, on: date) -> Callable[[], None]:
        outcome = self.rng.choice(("帮扶对象生产生活已稳定，结对期满。", "企业恢复正常生产经营。", "阶段性帮扶任务完成。"))

        def run():
            self.call("visits", "POST", f"/pairings/{self.refs[plan['key']]}/end",
                      {"on": on.isoformat(), "outcome": outcome}, self.clerk_for(plan["organ"]))
            self.tally["pairings_ended"] += 1
        return run

    def plan_practices(self) -> None:
        r = self.rng
        count = self.n(30, 6)
        self.practice_keys = [f"practice:{i}" for i in range(count)]
        decisions = ["published", "declined", "submitted"] + r.choices(("published", "declined", "submitted"),
                                                                        (5, 2, 3), k=count - 3)
        for i in range(count):
            organ = r.choice(list(self.city_organs.values())) if r.random() < .4 else r.choice(self.organs)
            decision = decisions[i]
            latest = self.span - 1 - (8 if decision != "submitted" else 0)
            on = self.day(min(14, max(0, latest)), max(0, latest))
            title = r.choice(PRACTICES)
            body = {"title": f"{organ.name}：{title}",
                    "summary": (f"{organ.name}在“双万”活动中{title}，累计解决群众反映问题{r.randint(5, 60)}个，"
                                f"形成可复制的工作机制。"), "on": on.isoformat()}
            key = f"practice:{i}"
            self.at(on, self.submit_practice(key, organ, body))
            if decision != "submitted":
                decided = self.later(on, 3, 8)
                if decision == "published":
                    channels = r.choice((["journal"], ["intranet"], ["journal", "intranet"]))
                    step = {"channels": channels}
                    if "journal" in channels:
                        step["issue"] = f"《赣州机关党建》{decided.year}年第{decided.month}期"
                    self.at(decided, self.decide(key, "publication", {**step, "on": decided.isoformat()}))
                else:
                    reason = r.choice(("内容与已刊发经验重复。", "材料较简单，建议补充成效数据后再报送。"))
                    self.at(decided, self.decide(key, "decline", {"reason": reason, "on": decided.isoformat()}))

    def submit_practice(self, key: str, organ: OrganPlan, body: dict) -> Callable[[], None]:
        def run():
            made = self.call("visits", "POST", "/practices", {**body, "organ_id": self.refs[organ.key]},
                             self.clerk_for(organ))
            self.refs[key] = made["id"]
            self.refs[key + ":status"] = made["status"]
        return run

    def decide(self, key: str, action: str, body: dict) -> Callable[[], None]:
        def run():
            view = self.call("visits", "POST", f"/practices/{self.refs[key]}/{action}", body, self.admin())
            self.refs[key + ":status"] = view["status"]
        return run

    # --- the appraisal campaign ---------------------------------------------------------------

    def plan_campaign(self) -> None:
        r = self.rng
        opened = self.day(round(self.span * .6))
        drafted = max(self.start, opened - timedelta(days=5))
        self.targets = [o for o in self.city_organs.values() if o.role != "working_committee"]
        groups = [(category, self.n(quota, 6), channel, label) for category, quota, channel, label in RESPONDENTS]
        title = f"{opened.year}年度赣州市直机关“群众评机关”满意度测评"
        definition = {
            "title": title, "starts_on": opened.isoformat(), "ends_on": (opened + timedelta(days=60)).isoformat(),
            "respondent_categories": [{"category": c, "quota": q} for c, q, _, _ in groups],
            # Village and office networks share one address: count many opinions per network before flagging.
            "opinion_limits": {"per_ip_per_hour": 300},
            "questionnaire": {"instructions": "请根据您的了解，对下列市直单位在五个方面的表现作出评价；"
                                              "不了解的单位请选择“不了解”。"},
        }
        self.at(drafted, self.draft_campaign(definition, drafted))
        self.at(opened, self.campaign_step("open", {"on": opened.isoformat()}))
        self.batches: list[dict] = []
        for category, quota, channel, label in groups:
            issued = self.later(opened, 0, 6)
            batch = {"key": f"batch:{len(self.batches)}", "category": category, "count": quota, "on": issued,
                     "kind": "invitation" if channel == "invitation" else "paper", "channel": channel,
                     "label": f"{label}第一批"}
            self.batches.append(batch)
            rate = r.uniform(.72, .92) if batch["kind"] == "invitation" else r.uniform(.85, .98)
            batch["answers"] = max(3, round(quota * rate))
        extra = {"key": f"batch:{len(self.batches)}", "category": "farmer_or_resident", "count": self.n(10, 4),
                 "on": self.later(opened, 7, 12), "kind": "paper", "channel": "paper",
                 "label": "社区居民代表补充批次"}
        extra["answers"] = extra["count"] + 2   # more came back than were handed out: flagged
        self.batches.append(extra)
        for batch in self.batches:
            self.at(batch["on"], self.issue_batch(batch))
            for answer in range(batch["answers"]):
                if batch["kind"] == "paper":
                    on = batch["on"] + timedelta(days=r.randint(0, (self.today - batch["on"]).days))
                    self.at(on, self.key_in(batch, self.answers(batch["category"]), on))
                else:
                    self.at(self.today, self.answer_online(batch, answer, self.answers(batch["category"])), phase=2)
        self.plan_opinions()

    def draft_campaign(self, definition: dict, on: date) -> Callable[[], None]:
        def run():
            targets = [{"organ_id": self.refs[o.key], "name": o.name, "category": o.category, "region": o.region}
                       for o in self.targets]
            made = self.call("appraisal", "POST", "/campaigns",
                             {**definition, "targets": targets, "region": CITY, "on": on.isoformat()}, self.admin())
            self.refs["campaign"] = made["id"]
        return run

    def campaign_step(self, action: str, body: dict) -> Callable[[], None]:
        def run():
            view = self.call("appraisal", "POST", f"/campaigns/{self.refs['campaign']}/{action}", body, self.admin())
            self.refs["campaign:status"] = view["status"]
        return run

    def issue_batch(self, batch: dict) -> Callable[[], None]:
        def run():
            body = {"respondent_category": batch["category"], "count": batch["count"], "label": batch["label"],
                    "on": batch["on"].isoformat()}
            path = "invitation-batches" if batch["kind"] == "invitation" else "paper-batches"
            if batch["kind"] == "paper":
                body["channel"] = batch["channel"]
            made = self.call("appraisal", "POST", f"/campaigns/{self.refs['campaign']}/{path}", body, self.admin())
            self.refs[batch["key"]] = made["id"]
            self.tally["batches_" + batch["kind"]] += 1
            self.tally["questionnaires_issued"] += batch["count"]
        return run

    def answers(self, category: str) -> dict:
        """One respondent's questionnaire: every organ rated on every dimension, or 不了解, or skipped."""
        r = self.rng
        mood = r.gauss(0, .08)
        ratings, disliked = [], []
        for organ in self.targets:
            familiarity = min(1.0, organ.familiarity + (.25 if organ.role in KNOWS_BETTER.get(category, ()) else 0))
            if r.random() >= familiarity:
                if r.random() < .6:  # 不了解; others leave the organ blank
                    ratings.extend((organ, d, "unknown") for d in DIMENSIONS)
                continue
            base = organ.quality + LENIENCY[category] + mood
            worst = 0
            for dimension in DIMENSIONS:
                if r.random() < .03:
                    ratings.append((organ, dimension, "unknown"))
                    continue
                s = base + r.gauss(0, .05) - (.06 if organ.quality < .45 and dimension in ("service_attitude",
                                                                                          "cadre_conduct") else 0)
                s = min(.97, max(.05, s))
                u = r.random()
                level = "satisfied" if u < s else "basically_satisfied" if u < s + (1 - s) * .72 else "dissatisfied"
                worst = max(worst, ("satisfied", "basically_satisfied", "dissatisfied").index(level))
                ratings.append((organ, dimension, level))
            if worst == 2:
                disliked.append(organ)
        out: dict = {"ratings": ratings, "organ_opinions": []}
        if disliked and r.random() < .25:
            out["organ_opinions"] = [(r.choice(disliked), r.choice(RESPONSE_OPINIONS))]
        if r.random() < .15:
            out["overall_opinion"] = r.choice(OPINIONS_GENERAL)
        return out

    def answer_body(self, answers: dict) -> dict:
        body = {"ratings": [{"organ_id": self.refs[o.key], "dimension": d, "level": level}
                            for o, d, level in answers["ratings"]],
                "organ_opinions": [{"organ_id": self.refs[o.key], "text": text}
                                   for o, text in answers["organ_opinions"]]}
        if answers.get("overall_opinion"):
            body["overall_opinion"] = answers["overall_opinion"]
        return body

    def counted(self, batch: dict, answers: dict, receipt: dict) -> None:
        self.response_categories[batch["category"]] += 1
        self.ratings.update(level for _, _, level in answers["ratings"])
        if receipt["flags"]:
            self.tally["responses_flagged"] += 1

    def key_in(self, batch: dict, answers: dict, on: date) -> Callable[[], None]:
        def run():
            receipt = self.call("appraisal", "POST", f"/batches/{self.refs[batch['key']]}/responses",
                                {**self.answer_body(answers), "on": on.isoformat()}, self.clerk(CITY))
            self.counted(batch, answers, receipt)
        return run

    def answer_online(self, batch: dict, serial: int, answers: dict) -> Callable[[], None]:
        def run():
            tokens_key = batch["key"] + ":tokens"
            if tokens_key not in self.refs:
                text = self.call("appraisal", "GET", f"/batches/{self.refs[batch['key']]}/invitations.csv",
                                 auth=self.admin())
                self.refs[tokens_key] = [row["token"] for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]
            token = self.refs[tokens_key][serial]
            receipt = self.call("appraisal", "POST", "/responses", {**self.answer_body(answers), "token": token})
            self.counted(batch, answers, receipt)
        return run

    def plan_opinions(self) -> None:
        r = self.rng
        about = [o for o in self.targets if o.role in OPINIONS_ABOUT]
        count = self.n(40, 8)
        self.opinions: list[dict] = []
        for i in range(count):
            if i < 2:  # complaints about the two worst-rated organs, which become rectifications
                organ = self.city_organs[("housing", "natural_resources")[i]]
                text = OPINIONS_ABOUT[organ.role][0]
            elif r.random() < .6:
                organ = r.choice(about)
                text = r.choice(OPINIONS_ABOUT[organ.role])
            else:
                organ, text = None, r.choice(OPINIONS_GENERAL)
            opinion = {"key": f"opinion:{i}", "organ": organ, "text": text, "device": f"{r.getrandbits(64):016x}"}
            if r.random() < .3:
                opinion["phone"] = f"1{r.choice('3578')}{r.randint(0, 999999999):09d}"
            self.opinions.append(opinion)
        # One device says the same thing about one organ again and again (flagged), and one advert (hidden).
        urban = self.city_organs["urban"]
        repeated = f"{r.getrandbits(64):016x}"
        for _ in range(4):
            self.opinions.append({"key": f"opinion:{len(self.opinions)}", "organ": urban, "device": repeated,
                                  "text": OPINIONS_ABOUT["urban"][0]})
        advert = {"key": f"opinion:{len(self.opinions)}", "organ": None, "device": f"{r.getrandbits(64):016x}",
                  "text": "代办各类证件、资质，价格优惠，有意者加微信详谈"}
        self.opinions.append(advert)
        for opinion in self.opinions:
            self.at(self.today, self.give_opinion(opinion), phase=3)
        self.at(self.today, self.hide(advert), phase=3)
        # Rectification (整改): two complaints and the worst organ's weakest dimension go onto the ledger.
        for opinion in self.opinions[:2]:
            self.at(self.today, self.rectify_opinion(opinion), phase=3)
        worst = min(self.targets, key=lambda o: o.quality)
        self.at(self.today, self.rectify_dimension(worst, "cadre_conduct"), phase=3)
        self.at(self.today, self.progress_rectification(), phase=3)

    def give_opinion(self, opinion: dict) -> Callable[[], None]:
        def run():
            body = {"text": opinion["text"], "device_id": opinion["device"]}
            if opinion["organ"]:
                body["organ_id"] = self.refs[opinion["organ"].key]
            if opinion.get("phone"):
                body["phone"] = opinion["phone"]
            made = self.call("appraisal", "POST", f"/campaigns/{self.refs['campaign']}/opinions", body)
            self.refs[opinion["key"]] = made["id"]
            self.tally["opinions"] += 1
        return run

    def hide(self, opinion: dict) -> Callable[[], None]:
        def run():
            self.call("appraisal", "POST", f"/opinions/{self.refs[opinion['key']]}/hide",
                      {"reason": "广告信息，与评议无关。", "on": self.today.isoformat()}, self.admin())
            self.tally["opinions_hidden"] += 1
        return run

    def responsible(self, organ: OrganPlan) -> str:
        deputy = self.by_organ[organ.key][1]
        return f"{deputy.name}（{deputy.position}）"

    def rectify_opinion(self, opinion: dict) -> Callable[[], None]:
        organ = opinion["organ"]
        category = {"housing": "livelihood", "urban": "conduct"}.get(organ.role, "service")
        deadline = self.today + timedelta(days=self.rng.randint(20, 45))

        def run():
            view = self.call("appraisal", "POST", f"/opinions/{self.refs[opinion['key']]}/problem",
                             {"category": category, "responsible_person": self.responsible(organ),
                              "deadline": deadline.isoformat(), "on": self.today.isoformat(),
                              "measures": "制定整改清单，明确时限，整改结果向社会公开。"}, self.clerk(CITY))
            self.rectification_views[view["id"]] = view
        return run

    def rectify_dimension(self, organ: OrganPlan, dimension: str) -> Callable[[], None]:
        deadline = self.today + timedelta(days=self.rng.randint(30, 60))

        def run():
            view = self.call("appraisal", "POST", f"/campaigns/{self.refs['campaign']}/rectifications",
                             {"organ_id": self.refs[organ.key], "dimension": dimension, "category": "conduct",
                              "description": f"群众评议中{organ.name}“{DIMENSION_NAMES[dimension]}”满意度明显偏低，"
                                             f"需开展作风专项整治。",
                              "responsible_person": self.responsible(organ), "deadline": deadline.isoformat(),
                              "on": self.today.isoformat()}, self.clerk(CITY))
            self.rectification_views[view["id"]] = view
        return run

    def progress_rectification(self) -> Callable[[], None]:
        def run():
            first = next(iter(self.rectification_views))
            view = self.call("appraisal", "POST", f"/problems/{first}/progress",
                             {"note": "已召开专题会议，制定整改方案，逐项明确责任人。", "on": self.today.isoformat()},
                             self.clerk(CITY))
            self.rectification_views[first] = view
        return run

    # --- report meetings on advanced examples (三学) -----------------------------------------------

    def plan_meetings(self) -> None:
        """先进典型报告会: the city's working committee holds some, a few counties one each; the
        first recorded is found recorded twice and cancelled."""
        r = random.Random(f"{self.seed}/meetings")
        for i in range(self.n(6, 3)):
            key = f"meeting:{i}"
            county = None if i % 2 == 0 else r.choice(self.counties)
            region = county.code if county else CITY
            host = f"{county.name}直机关工委" if county else "赣州市直机关工委"
            on = self.day(r.randint(7, max(7, self.span - 2)))
            body = {"region": region, "held_on": on.isoformat(), "host": host,
                    "title": r.choice(("践行科学发展观基层先进典型报告会", "“三学”先进典型事迹报告会",
                                       "向基层干部学习报告会")),
                    "place": f"{host.removesuffix('直机关工委')}机关会议中心",
                    "exemplars": [{"name": name, "unit": unit, "deeds": deeds}
                                  for name, unit, deeds in r.sample(EXEMPLARS, r.randint(2, 4))],
                    "attendance": r.randint(8, 40) * 10}
            self.at(on, self.hold_meeting(key, body))
            if i == 0:
                self.at(on, self.hold_meeting(key + ":again", body))
                self.at(on, self.cancel_meeting(key + ":again", on))

    def hold_meeting(self, key: str, body: dict) -> Callable[[], None]:
        def run():
            self.refs[key] = self.call("visits", "POST", "/meetings", body, self.clerk(body["region"]))["id"]
            self.tally["meetings"] += 1
        return run

    def cancel_meeting(self, key: str, on: date) -> Callable[[], None]:
        def run():
            self.call("visits", "POST", f"/meetings/{self.refs[key]}/cancellation",
                      {"reason": "同一场报告会重复录入。", "on": on.isoformat()}, self.clerk(CITY))
            self.tally["meetings"] -= 1
            self.tally["meetings_cancelled"] += 1
        return run

    # --- run ----------------------------------------------------------------------------------

    def plan(self) -> None:
        self.plan_organs()
        self.plan_cadres()
        self.plan_promotions()
        self.plan_visits()
        self.plan_reports()
        self.plan_points()
        self.plan_pairings()
        self.plan_practices()
        self.plan_campaign()
        self.plan_meetings()  # (last, with a generator of its own: what came before is as it was)

    def execute(self) -> None:
        for action in sorted(self.actions, key=lambda a: (a.on, a.phase, a.seq)):
            action.run()

    def summary(self) -> dict:
        problems = {p.key: self.problem_views.get(p.key) for p in self.problems}
        statuses = Counter(v["status"] if v else "registered" for v in problems.values())
        history = [v for v in problems.values() if v]
        practices = Counter(self.refs[key + ":status"] for key in self.practice_keys)
        rectifications = Counter(v["status"] for v in self.rectification_views.values())
        return {
            "seed": self.seed, "weeks": self.weeks, "scale": self.scale,
            "from": self.start.isoformat(), "to": self.today.isoformat(), "requests": self.requests,
            "organs": len(self.organs), "city_organs": len(self.city_organs),
            "cadres": len(self.cadres), "leading_cadres": sum(self.leading_now.values()),
            "cadre_changes": self.tally["cadre_changes"],
            "visits": self.tally["visits"], "visits_cancelled": self.tally["visits_cancelled"],
            "visit_funds_yuan": f"{self.visit_totals['funds']:.2f}", "visit_items": self.visit_totals["items"],
            "policy_attendance": self.visit_totals["policy_attendance"], "people_reached": self.visit_totals["people"],
            "problems": len(self.problems),
            "problems_by_status": {s: statuses[s] for s in STATUSES},
            "problems_overdue": sum(1 for v in history if v["overdue"]),
            "problems_reopened": sum(1 for v in history if v["reopen_count"]),
            "problems_returned": sum(1 for v in history if any(h["action"] == "returned" for h in v["history"])),
            "problems_long_term": sum(1 for v in history if v["long_term"]),
            "reports": self.tally["reports"],
            "points": self.tally["points"],
            "points_compliant": sum(1 for p in self.points if self.refs.get(p["key"] + ":compliant")),
            "pairings": self.tally["pairings"], "pairings_ended": self.tally["pairings_ended"],
            "pairings_by_kind": {k: self.pairing_kinds[k] for k in PAIRING_KINDS},
            "practices": {s: practices[s] for s in ("submitted", "published", "declined")},
            "meetings": self.tally["meetings"], "meetings_cancelled": self.tally["meetings_cancelled"],
            "campaign_status": self.refs.get("campaign:status"), "targets": len(self.targets),
            "batches": {"invitation": self.tally["batches_invitation"], "paper": self.tally["batches_paper"]},
            "questionnaires_issued": self.tally["questionnaires_issued"],
            "responses": sum(self.response_categories.values()),
            "responses_by_category": {c: self.response_categories[c] for c, *_ in RESPONDENTS},
            "responses_flagged": self.tally["responses_flagged"],
            "ratings": sum(self.ratings.values()), "ratings_unknown": self.ratings["unknown"],
            "opinions": self.tally["opinions"], "opinions_hidden": self.tally["opinions_hidden"],
            "rectifications": len(self.rectification_views),
            "rectifications_by_status": dict(sorted(rectifications.items())),
        }


def generate(clients: Clients, seed: int = 2010, weeks: int = 12, scale: float = 1.0,
             today: date | None = None) -> dict:
    """Write a seeded demo campaign through `clients`; returns counts of what was written.

    `weeks` of activity end on `today` (China Standard Time; default today, never later);
    `scale` multiplies the counts (organs and the structural minimums stay, so every kind of record
    appears at any scale). Deterministic for a seed, scale, weeks and today.
    """
    today = today or cst_today()
    if today > cst_today():
        raise ValueError(f"today ({today}) is in the future: the services refuse future business dates")
    if weeks < 2:
        raise ValueError("weeks must be at least 2")
    if scale <= 0:
        raise ValueError("scale must be positive")
    demo = _Demo(clients, seed, weeks, scale, today)
    demo.plan()
    demo.execute()
    return demo.summary()
