"""Generate a synthetic corpus of budget performance target tables with known defects.

    .venv/bin/python benchmarks/make_corpus.py -n 500 -o /tmp/jixiao-corpus-500 --seed 1 --jobs 2

Each file is one submission: a department table (部门整体支出绩效目标表), a project table
(项目支出绩效目标表), a special fund summary (专项资金绩效目标汇总表), a spending-direction table
(专项资金支出方向绩效目标表 with 支出明细及测算), or a department + project / summary + direction
pair, rendered as .docx, .xlsx or .txt (tab-separated rows, or Apache Tika one-cell-per-line
text) with the merged-cell renderers of fixtures/build_fixtures.py.

Content is varied but consistent: seven policy domains with their own units, functions, goals,
projects, cost lines and 10-40 indicators drawn from realistic vocabulary; amounts reconcile
exactly (Decimal); cost formulas compute; unit costs agree with the budget; contacts are filled.
A clean file should draw no finding at all. Defects from the rule catalogue
(../shared/docs/research/rule-catalogue.md) are then injected at known rates: 0-3 per file, from
the A (amounts), T (template residue), K (contacts), S (structure) and Q (indicator) families.

`manifest.json` records, per file, the forms, the layout, the format, whether the file is clean
and exactly which defects (rule id, form, what was changed) were injected. The output is a pure
function of (seed, n): the same arguments give byte-identical files and manifest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures"))
import build_fixtures as bf  # noqa: E402  (the merged-cell renderers: .docx, .xlsx, .txt)

D = Decimal
CENT = D("0.01")
GENERATOR_VERSION = 1

# ============================================================================ vocabulary

# city -> landline area code
CITIES = {
    "六盘水市": "0858", "株洲市": "0731", "湘潭市": "0731", "岳阳市": "0730", "衡阳市": "0734",
    "常德市": "0736", "益阳市": "0737", "广元市": "0839", "阳泉市": "0353", "池州市": "0566",
    "龙岩市": "0597", "六安市": "0564", "鄂州市": "0711", "随州市": "0722", "遵义市": "0851",
    "宜昌市": "0717", "襄阳市": "0710", "赣州市": "0797", "九江市": "0792", "南平市": "0599",
    "曲靖市": "0874", "绵阳市": "0816", "宝鸡市": "0917", "邢台市": "0319",
}
DISTRICTS = ["", "", "", "城区", "经济开发区", "高新区"]  # mostly the city itself
# Sub-city levels are written as <city><district>; an empty district means the city.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志宏海燕鹏飞晓东文斌琳婷雪梅春林松宁"
MONTHS_END = ["6", "9", "10", "11", "12"]


@dataclass
class Domain:
    key: str
    suffix: str  # unit name suffix
    functions: str
    goals: list[str]
    org: str  # 组织机构
    docs: list[str]  # 管理制度
    tasks: list[tuple[str, str]]  # 年度重点工作: (事项, 工作目标)
    projects: list[tuple[str, str, str]]  # (project, annual goal, period goal)
    costs: list[tuple[str, str, int, str, int, int, int]]  # (content, item, price 元, per, qmin, qmax, qstep)
    quantity: list[tuple[str, str, int, int, int]]  # (name, unit, lo, hi, step)
    quality: list[tuple[str, int, int]]  # (rate name, lo%, hi%)
    social: list[tuple[str, str, int, int, int]]  # (name, unit, lo, hi, step); unit "%" for rates
    economic: list[tuple[str, str, int, int, int]]
    ecological: list[tuple[str, str, int, int, int]]
    served: list[str]  # satisfaction: who is served
    implementers: list[str]  # subordinate units (实施单位), suffixes


DOMAINS = [
    Domain(
        "kexie", "科学技术协会",
        "开展学术交流，促进学科发展和科技创新；开展科普活动，提高公民科学素质；组织青少年科技教育活动；"
        "表彰、宣传优秀科技工作者，推荐科技人才；承担全民科学素质工作领导小组办公室日常工作。",
        ["完成全民科学素质行动年度任务", "提升基层科普公共服务能力", "做好科技工作者联系服务工作",
         "组织开展青少年科技创新活动", "加强科普阵地建设，推动科普信息化"],
        "科学技术协会党组、全民科学素质工作领导小组办公室、科普部",
        ["《中华人民共和国科学技术普及法》", "《全民科学素质行动规划纲要（2021—2035年）》", "《科普经费管理暂行办法》"],
        [("全国科普日活动", "组织全国科普日主场及系列科普活动"), ("青少年科技创新大赛", "组织中小学生参加科技创新大赛"),
         ("科技工作者日活动", "开展科技工作者日主题宣传和走访慰问"), ("基层科普阵地建设", "建成一批社区科普大学和农村科普小院")],
        [("科普基金", "开展科普宣传、青少年科技教育和基层科普阵地建设，提升公民科学素质。",
          "建成覆盖城乡的科普服务体系，公民具备科学素质比例稳步提升。"),
         ("青少年科技创新大赛", "组织全市中小学生参加青少年科技创新大赛，评选优秀科技创新作品，激发青少年科学兴趣。",
          "形成常态化的青少年科技创新活动机制。"),
         ("全国科普日活动经费", "组织全国科普日主场活动和系列科普进社区、进校园活动。",
          "打造科普日品牌活动，扩大科普覆盖面。"),
         ("基层科普阵地建设", "建设社区科普大学、农村科普小院和科普宣传栏，完善基层科普设施。",
          "基层科普设施覆盖全部乡镇（街道）。")],
        [("科普活动", "活动场地租赁", 5000, "场", 4, 20, 1), ("科普宣传", "宣传资料印制", 2, "份", 2000, 20000, 1000),
         ("专家讲座", "专家劳务费", 800, "人次", 10, 60, 5), ("竞赛奖励", "获奖学生奖品", 500, "人", 40, 200, 10),
         ("阵地建设", "科普宣传栏制作", 3000, "块", 10, 60, 5), ("科普大篷车", "巡展车辆运行费", 2000, "次", 6, 30, 2)],
        [("开展科普讲座", "场", 6, 40, 2), ("举办科普展览", "场", 2, 12, 1), ("科普大篷车巡展", "次", 6, 30, 2),
         ("建设科普教育基地", "个", 2, 12, 1), ("编印科普宣传资料", "份", 2000, 20000, 1000),
         ("开展青少年科技教育活动", "次", 4, 20, 1), ("组织青少年科技竞赛", "项", 2, 8, 1),
         ("开展科技工作者联系服务活动", "次", 3, 15, 1), ("培训基层科普人员", "人次", 100, 800, 50),
         ("发放科普读物", "册", 1000, 8000, 500), ("建设社区科普大学", "所", 2, 10, 1),
         ("发布科普信息", "条", 50, 400, 10), ("开展院士专家服务活动", "场", 1, 6, 1),
         ("组织科技志愿服务活动", "次", 6, 40, 2), ("制作社区科普宣传栏专刊", "期", 4, 12, 1)],
        [("科普活动验收合格率", 90, 100), ("科普教育基地达标率", 85, 100), ("参赛作品评审公正率", 95, 100),
         ("科普宣传资料内容准确率", 95, 100)],
        [("公民具备科学素质比例", "%", 10, 18, 1), ("科普活动受益群众", "人次", 5000, 60000, 1000),
         ("青少年参与科技活动", "人次", 1000, 20000, 500), ("科普阵地覆盖乡镇（街道）比例", "%", 70, 100, 5)],
        [("促成科技成果转化项目", "项", 2, 10, 1)],
        [("科普活动无纸化宣传比例", "%", 40, 80, 5)],
        ["参与群众", "参赛学生及家长", "科技工作者", "社区居民"],
        ["科技馆", "科普服务中心"],
    ),
    Domain(
        "agri", "农业农村局",
        "贯彻落实党中央关于“三农”工作的方针政策；统筹推进乡村振兴；负责高标准农田建设和农田水利管理；"
        "负责农产品质量安全监督管理；指导农业技术推广和农民教育培训。",
        ["完成高标准农田建设任务", "保障农产品质量安全", "推进农业技术推广", "促进农民持续增收", "改善农村人居环境"],
        "农业农村局党组、项目建设领导小组、计划财务科",
        ["《农田建设项目管理办法》", "《农产品质量安全法》", "《农业相关转移支付资金管理办法》"],
        [("高标准农田建设", "新建高标准农田并配套灌排设施"), ("农产品质量安全监管", "开展例行监测和监督抽检"),
         ("农民教育培训", "培育高素质农民"), ("农村人居环境整治", "推进农村厕所革命和生活垃圾治理")],
        [("高标准农田建设项目", "新建高标准农田，配套建设灌排渠系和机耕道路，提高粮食综合生产能力。",
          "建成旱涝保收、高产稳产的高标准农田。"),
         ("农产品质量安全监管经费", "开展农产品质量安全例行监测、监督抽检和合格证制度推广。",
          "农产品质量安全水平稳定向好。"),
         ("高素质农民培育项目", "围绕主导产业开展高素质农民培训，提升农民生产经营能力。",
          "培育一支懂技术、善经营的高素质农民队伍。"),
         ("农业技术推广补助", "推广主推技术和主导品种，建设农业科技示范基地。",
          "农业主推技术到位率稳步提高。")],
        [("农田建设", "田间道路硬化", 300000, "公里", 2, 20, 1), ("质量监测", "农产品抽检检测费", 400, "批次", 200, 2000, 50),
         ("农民培训", "培训场地及教材", 600, "人", 100, 1000, 50), ("技术推广", "示范基地物化补助", 20000, "个", 2, 15, 1),
         ("农田建设", "灌排渠系改造", 150000, "公里", 2, 20, 1)],
        [("新建高标准农田面积", "亩", 5000, 30000, 1000), ("农产品质量安全抽检", "批次", 200, 2000, 50),
         ("新建机耕道路", "公里", 5, 60, 5), ("培育高素质农民", "人", 100, 1000, 50),
         ("建设农业科技示范基地", "个", 2, 15, 1), ("推广农业主推技术", "项", 3, 12, 1),
         ("开展农技人员培训", "期", 2, 10, 1), ("新建灌排渠系", "公里", 5, 50, 5),
         ("改造农村户用厕所", "户", 200, 3000, 100), ("开展农资打假专项检查", "次", 2, 12, 1)],
        [("农产品质量安全抽检合格率", 96, 100), ("高标准农田工程验收合格率", 95, 100), ("农民培训考核合格率", 90, 100),
         ("农业主推技术到位率", 85, 98)],
        [("受益农户", "户", 1000, 10000, 500), ("项目区农民人均可支配收入增长率", "%", 3, 9, 1),
         ("农村卫生厕所普及率", "%", 80, 98, 2)],
        [("项目区粮食亩均增产", "公斤", 30, 100, 10), ("新增粮食生产能力", "万公斤", 50, 500, 50)],
        [("农田灌溉水有效利用系数", "", 0, 0, 0), ("化肥农药使用量减少率", "%", 3, 10, 1)],
        ["项目区农户", "受益农户", "参训农民", "农产品生产经营者"],
        ["农田建设服务中心", "农业技术推广中心", "农产品质量安全检测中心"],
    ),
    Domain(
        "edu", "教育局",
        "贯彻执行教育方针政策；统筹管理辖区基础教育；负责学校建设和教育经费管理；负责教师队伍建设；"
        "负责学生资助和教育督导工作。",
        ["巩固义务教育均衡发展成果", "落实学生资助政策", "加强教师队伍建设", "改善学校办学条件", "提升教育教学质量"],
        "教育局党组、计划财务股、基础教育股",
        ["《义务教育法》", "《学生资助资金管理办法》", "《中小学校舍安全管理办法》"],
        [("学生资助", "落实各学段学生资助政策"), ("教师培训", "开展中小学教师全员培训"),
         ("校舍维修改造", "完成薄弱学校校舍维修改造"), ("教育信息化", "推进智慧校园建设")],
        [("学生资助补助经费", "落实家庭经济困难学生资助政策，确保应助尽助。", "建立覆盖各学段的学生资助体系。"),
         ("中小学教师培训项目", "开展中小学教师全员培训和骨干教师研修，提升教师专业素养。", "建设高素质专业化教师队伍。"),
         ("薄弱学校改造项目", "实施校舍维修改造和设备购置，改善薄弱学校办学条件。", "义务教育学校办学条件全面达标。"),
         ("智慧校园建设项目", "建设录播教室和校园网络，推进教育信息化应用。", "实现优质数字教育资源全覆盖。")],
        [("教师培训", "培训课时费", 300, "课时", 40, 300, 10), ("学生资助", "生活补助", 1000, "人", 100, 2000, 50),
         ("校舍改造", "屋面防水维修", 150, "平方米", 1000, 8000, 100), ("信息化建设", "录播教室设备", 80000, "间", 2, 12, 1),
         ("教师培训", "培训教材资料", 50, "套", 200, 2000, 100)],
        [("资助家庭经济困难学生", "人", 200, 5000, 100), ("培训中小学教师", "人次", 200, 3000, 100),
         ("维修改造校舍面积", "平方米", 1000, 20000, 500), ("建设录播教室", "间", 2, 20, 1),
         ("开展教学视导", "次", 2, 12, 1), ("组织骨干教师研修", "期", 2, 8, 1), ("配备学生课桌椅", "套", 200, 3000, 100),
         ("开展校园安全检查", "次", 4, 24, 2), ("建设智慧校园示范校", "所", 2, 10, 1)],
        [("资助资金发放准确率", 98, 100), ("教师培训考核合格率", 90, 100), ("校舍维修工程验收合格率", 95, 100),
         ("设备采购验收合格率", 98, 100)],
        [("家庭经济困难学生资助覆盖率", "%", 95, 100, 1), ("义务教育巩固率", "%", 95, 100, 1),
         ("受益学生", "人", 1000, 30000, 1000)],
        [("减轻受助家庭教育支出", "元/生", 0, 0, 0)],
        [("校园绿化覆盖率", "%", 30, 45, 1)],
        ["受助学生", "参训教师", "学校师生", "学生家长"],
        ["教师发展中心", "学生资助管理中心", "教育技术装备站"],
    ),
    Domain(
        "health", "卫生健康局",
        "贯彻实施卫生健康法律法规和政策；统筹规划卫生健康资源配置；负责疾病预防控制和基本公共卫生服务；"
        "负责妇幼健康和老龄健康工作；指导医疗机构改革和医疗服务质量管理。",
        ["落实基本公共卫生服务项目", "提升基层医疗服务能力", "做好重点传染病防控", "推进妇幼健康服务", "深化医药卫生体制改革"],
        "卫生健康局党组、基本公共卫生服务项目领导小组、规划财务科",
        ["《基本公共卫生服务补助资金管理办法》", "《传染病防治法》", "《基层医疗卫生机构绩效考核办法》"],
        [("基本公共卫生服务", "落实国家基本公共卫生服务项目"), ("家庭医生签约", "推进家庭医生签约服务"),
         ("传染病防控", "开展重点传染病监测和预防接种"), ("妇幼健康", "开展孕产妇和儿童健康管理")],
        [("基本公共卫生服务项目", "为辖区居民免费提供基本公共卫生服务，提升居民健康水平。", "居民健康素养水平稳步提升。"),
         ("家庭医生签约服务补助", "组建家庭医生团队，为重点人群提供签约服务。", "家庭医生签约服务覆盖全部重点人群。"),
         ("重大传染病防控经费", "开展重点传染病监测、预防接种和健康宣教。", "重点传染病发病率保持较低水平。"),
         ("基层医疗卫生人员培训", "开展基层医务人员适宜技术培训，提升基层服务能力。", "基层医疗服务能力明显增强。")],
        [("健康体检", "老年人健康体检", 120, "人", 1000, 10000, 500), ("预防接种", "疫苗冷链运输", 3000, "次", 6, 30, 2),
         ("人员培训", "适宜技术培训", 800, "人", 50, 400, 10), ("健康宣教", "健康教育资料印制", 3, "份", 2000, 20000, 1000),
         ("家庭医生", "签约团队补助", 5000, "个", 10, 80, 5)],
        [("老年人健康体检", "人", 1000, 10000, 500), ("组建家庭医生签约团队", "个", 10, 80, 5),
         ("开展健康教育讲座", "场", 10, 60, 5), ("培训基层医务人员", "人", 50, 400, 10),
         ("开展传染病防控督导", "次", 4, 24, 2), ("印发健康教育资料", "份", 2000, 20000, 1000),
         ("管理高血压患者", "人", 2000, 20000, 500), ("管理2型糖尿病患者", "人", 1000, 8000, 500),
         ("开展义诊活动", "次", 4, 20, 1)],
        [("适龄儿童免疫规划疫苗接种率", 90, 99), ("高血压患者规范管理率", 60, 75), ("居民电子健康档案建档率", 85, 95),
         ("传染病报告及时准确率", 95, 100)],
        [("居民健康素养水平", "%", 25, 35, 1), ("重点人群家庭医生签约覆盖率", "%", 70, 90, 5),
         ("受益群众", "人次", 10000, 100000, 5000)],
        [("减少群众就医往返次数", "次", 0, 0, 0)],
        [("医疗废物规范处置率", "%", 98, 100, 1)],
        ["签约居民", "服务对象", "就诊患者", "参训医务人员"],
        ["疾病预防控制中心", "妇幼保健院", "卫生健康综合服务中心"],
    ),
    Domain(
        "transport", "交通运输局",
        "贯彻执行交通运输法律法规；负责公路、水路交通行业管理；负责农村公路建设和养护管理；"
        "负责道路运输和城乡客运管理；负责交通运输安全生产监督管理。",
        ["完成农村公路建设和养护任务", "提升城乡客运服务水平", "强化交通运输安全监管", "推进公路沿线环境整治", "保障重点交通项目建设"],
        "交通运输局党组、农村公路建设领导小组、规划财务股",
        ["《农村公路建设管理办法》", "《公路养护工程管理办法》", "《车辆购置税收入补助地方资金管理办法》"],
        [("农村公路建设", "完成农村公路新改建任务"), ("公路养护", "开展农村公路日常养护和危桥改造"),
         ("城乡客运", "推进城乡客运一体化"), ("安全生产", "开展交通运输安全隐患排查整治")],
        [("农村公路提质改造项目", "实施农村公路提质改造和安全生命防护工程，改善群众出行条件。", "建成畅通安全的农村公路网络。"),
         ("农村公路养护补助", "开展农村公路日常养护和危桥改造，保持路况良好。", "农村公路优良中等路率稳步提高。"),
         ("城乡客运一体化补助", "对农村客运班线给予运营补助，保障群众基本出行。", "建制村通客车全覆盖。"),
         ("交通安全隐患整治项目", "排查整治公路安全隐患，完善安全设施。", "公路交通事故明显减少。")],
        [("路面改造", "沥青路面铺设", 400000, "公里", 2, 20, 1), ("安全设施", "波形护栏安装", 180, "米", 1000, 10000, 500),
         ("日常养护", "养护人员劳务", 24000, "人", 10, 60, 5), ("危桥改造", "危桥加固", 300000, "座", 1, 6, 1),
         ("客运补助", "班线运营补助", 20000, "条", 5, 40, 1)],
        [("完成农村公路提质改造", "公里", 10, 120, 5), ("改造危桥", "座", 1, 10, 1), ("安装波形护栏", "米", 1000, 10000, 500),
         ("开展公路安全隐患排查", "次", 4, 24, 2), ("补助农村客运班线", "条", 5, 40, 1),
         ("设置交通标志标牌", "块", 50, 500, 10), ("开展养护技术培训", "期", 1, 6, 1), ("日常养护农村公路", "公里", 100, 1500, 50)],
        [("工程交工验收合格率", 95, 100), ("农村公路优良中等路率", 75, 90), ("安全隐患整改完成率", 95, 100)],
        [("建制村通客车率", "%", 98, 100, 1), ("受益群众", "人", 10000, 200000, 5000), ("交通事故起数下降率", "%", 5, 20, 1)],
        [("群众出行时间缩短", "分钟", 10, 40, 5)],
        [("公路沿线绿化率", "%", 80, 98, 2)],
        ["沿线群众", "乘客", "群众出行"],
        ["公路建设养护中心", "道路运输服务中心"],
    ),
    Domain(
        "culture", "文化和旅游局",
        "贯彻执行文化和旅游工作方针政策；负责公共文化服务体系建设；负责文物和非物质文化遗产保护；"
        "统筹推进全域旅游发展；负责文化市场综合执法。",
        ["完善公共文化服务体系", "加强文物保护利用", "推进全域旅游发展", "繁荣群众文化活动", "规范文化旅游市场秩序"],
        "文化和旅游局党组、公共文化服务体系建设领导小组、财务股",
        ["《公共文化服务保障法》", "《文物保护法》", "《公共文化服务体系建设补助资金管理办法》"],
        [("送戏下乡", "组织文艺院团开展送戏下乡演出"), ("文物保护", "实施重点文物保护修缮"),
         ("全民阅读", "开展全民阅读推广活动"), ("旅游推介", "组织文化旅游宣传推介")],
        [("送戏下乡惠民演出", "组织专业院团深入乡村开展惠民演出，丰富群众文化生活。", "形成常态化的送戏下乡机制。"),
         ("文物保护修缮项目", "对重点文物保护单位实施抢救性修缮，消除安全隐患。", "重点文物保护单位保存状况良好。"),
         ("全民阅读推广活动", "开展全民阅读系列活动，建设农家书屋和城市书房。", "全民综合阅读率稳步提高。"),
         ("文化旅游宣传推介", "组织参加旅游推介会和节庆活动，提升旅游品牌影响力。", "打造区域文化旅游品牌。")],
        [("惠民演出", "演出场次补助", 8000, "场", 10, 80, 5), ("文物修缮", "古建筑维修", 1200, "平方米", 200, 2000, 100),
         ("阅读推广", "图书购置", 40, "册", 2000, 20000, 1000), ("宣传推介", "推介会展位费", 30000, "场", 1, 6, 1),
         ("阅读推广", "阅读活动组织", 3000, "场", 10, 60, 5)],
        [("送戏下乡演出", "场", 10, 80, 5), ("修缮文物保护单位", "处", 1, 6, 1), ("新增图书", "册", 2000, 20000, 1000),
         ("开展全民阅读活动", "场", 10, 60, 5), ("参加旅游推介会", "场", 1, 6, 1), ("培训基层文化骨干", "人次", 50, 500, 50),
         ("建设城市书房", "个", 2, 10, 1), ("开展文化市场执法检查", "次", 12, 60, 6), ("举办非遗展演", "场", 2, 12, 1)],
        [("文物修缮工程验收合格率", 95, 100), ("演出节目审查合格率", 98, 100), ("公共文化设施免费开放率", 98, 100)],
        [("惠民演出观众", "人次", 5000, 80000, 5000), ("全民综合阅读率", "%", 70, 90, 1),
         ("公共文化服务覆盖率", "%", 90, 100, 1)],
        [("接待游客人次增长率", "%", 5, 15, 1)],
        [("景区垃圾无害化处理率", "%", 95, 100, 1)],
        ["观看群众", "游客", "读者", "参训学员"],
        ["文化馆", "图书馆", "文物管理所"],
    ),
    Domain(
        "civil", "民政局",
        "贯彻执行民政工作法律法规；负责最低生活保障和特困人员救助供养；负责养老服务体系建设；"
        "负责儿童福利和未成年人保护；负责社会组织登记管理和基层社区治理。",
        ["落实社会救助政策", "完善养老服务体系", "加强儿童福利保障", "推进基层社区治理", "规范社会组织管理"],
        "民政局党组、社会救助工作领导小组、规划财务股",
        ["《社会救助暂行办法》", "《特困人员认定办法》", "《困难群众救助补助资金管理办法》"],
        [("社会救助", "落实城乡低保和特困供养政策"), ("养老服务", "建设社区居家养老服务中心"),
         ("儿童福利", "保障孤儿和事实无人抚养儿童基本生活"), ("社区治理", "开展城乡社区服务能力建设")],
        [("城乡最低生活保障资金", "按时足额发放城乡低保金，保障困难群众基本生活。", "困难群众基本生活得到有效保障。"),
         ("居家养老服务补贴", "为经济困难老年人提供居家养老服务补贴。", "建成覆盖城乡的居家养老服务网络。"),
         ("孤儿基本生活保障", "按标准发放孤儿和事实无人抚养儿童基本生活费。", "儿童福利保障水平稳步提高。"),
         ("社区服务能力建设项目", "开展社区工作者培训和社区服务设施提升。", "城乡社区服务能力明显增强。")],
        [("低保发放", "城市低保金", 600, "人", 100, 1500, 50), ("养老服务", "居家养老服务补贴", 200, "人", 200, 2000, 100),
         ("儿童福利", "孤儿基本生活费", 1500, "人", 20, 200, 10), ("社区培训", "社区工作者培训", 500, "人次", 50, 500, 50),
         ("设施提升", "社区服务设施改造", 20000, "个", 2, 20, 1)],
        [("保障城乡低保对象", "人", 500, 8000, 100), ("发放居家养老服务补贴", "人", 200, 3000, 100),
         ("保障孤儿和事实无人抚养儿童", "人", 20, 300, 10), ("培训社区工作者", "人次", 50, 500, 50),
         ("建设社区居家养老服务中心", "个", 2, 15, 1), ("开展低保对象动态复核", "次", 2, 4, 1),
         ("开展社会组织年检", "家", 50, 300, 10), ("开展敬老院安全检查", "次", 4, 12, 1)],
        [("低保对象认定准确率", 95, 100), ("补贴发放准确率", 98, 100), ("养老机构消防安全达标率", 95, 100)],
        [("困难群众救助覆盖率", "%", 95, 100, 1), ("特困人员集中供养率", "%", 40, 70, 5),
         ("受益困难群众", "人", 1000, 10000, 500)],
        [("减轻困难家庭生活支出", "元/户", 0, 0, 0)],
        [("养老服务设施节能改造比例", "%", 20, 60, 5)],
        ["救助对象", "服务老年人", "受助儿童监护人", "社区居民"],
        ["社会救助服务中心", "社会福利院", "社区服务中心"],
    ),
]

GENERIC_QUANTITY = [("开展业务培训", "期", 2, 12, 1), ("开展监督检查", "次", 4, 24, 2), ("召开工作推进会", "次", 2, 12, 1),
                    ("开展专题调研", "次", 3, 15, 1), ("制定完善管理制度", "项", 2, 8, 1), ("发布政务信息", "条", 20, 200, 10),
                    ("组织应急演练", "次", 1, 4, 1), ("开展政策宣传活动", "场", 4, 20, 2), ("编发工作简报", "期", 6, 24, 2),
                    ("走访服务对象", "户", 50, 500, 10), ("办理群众来信来访", "件", 20, 200, 10),
                    ("开展档案整理归档", "卷", 50, 400, 10), ("组织业务骨干外出学习", "批", 1, 4, 1),
                    ("开展廉政警示教育", "次", 2, 6, 1), ("更新门户网站专栏", "篇", 20, 120, 5)]
GENERIC_QUALITY = [("项目验收合格率", 95, 100), ("档案资料完整率", 95, 100), ("问题整改完成率", 90, 100),
                   ("政府采购合规率", 98, 100), ("信息公开准确率", 98, 100)]
GENERIC_SUSTAIN = [("长效管理机制是否建立", "是"), ("相关管理制度是否健全", "是"), ("服务长效运行情况", "良好"),
                   ("项目后续运行维护", "达到预期目标"), ("设施设备正常使用年限", "≥{n}年")]
TIME_RATES = ["资金支付及时率", "任务按期完成率", "工作按时完成率", "项目按计划推进率"]
TIME_DEADLINES = ["项目完成时限", "工作任务完成时限", "资金支付完成时限", "项目验收时限"]
STANDARDS = ["计划标准", "行业标准", "历史标准"]
CATEGORIES = ["运转类其他项目", "特定目标类项目", "一次性项目", "经常性项目"]
ATTRIBUTES = ["延续项目", "新增项目"]
LEVEL_WORDS = ["市级", "区级", "县级"]
CN_SEQ = "一二三四五六七八九十"


# ============================================================================ spec


@dataclass
class Ind:
    l1: str
    l2: str
    name: str
    value: str
    expl: str = ""
    std: str = ""
    kind: str = ""  # count / percent / deadline / money / unit_cost / graded / duration / measure
    number: Decimal | None = None
    unit: str = ""
    tag: str = ""  # satisfaction / time / benefit / cost-total / cost-unit / quality / quantity


@dataclass
class Cost:
    content: str
    item: str
    amount: Decimal  # 万元
    calc: str


@dataclass
class FormSpec:
    kind: str
    layout: str
    year: int
    unit: str
    domain: Domain
    f: dict = field(default_factory=dict)  # text fields
    money: dict = field(default_factory=dict)  # amounts as written (strings)
    inds: list[Ind] = field(default_factory=list)
    costs: list[Cost] = field(default_factory=list)
    cost_total: str = ""
    lines: list[list[str]] = field(default_factory=list)  # summary rows: seq, name, amount, period goal, annual goal
    contacts: dict = field(default_factory=dict)
    before_extra: list[str] = field(default_factory=list)
    after_extra: list[str] = field(default_factory=list)
    plans: list[list[str]] = field(default_factory=list)
    empty_level2: list[tuple[str, str]] = field(default_factory=list)  # (一级, 二级) with no 三级 (S12)

    @property
    def budget_wan(self) -> Decimal | None:
        """What A10/A11 compare indicators with (资金总额 / 预算资金 / 项目金额)."""
        raw = self.money.get("total")
        if raw is None:
            return None
        value = D(raw)
        return value / 10000 if self.layout == "project_p1" else value


def wan(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def phone(rng: random.Random, city: str) -> str:
    if rng.random() < 0.35:
        return "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))
    digits = 8 if CITIES[city] in ("0731", "0851") else 7
    first = rng.choice("2345678")
    return f"{CITIES[city]}-{first}" + "".join(rng.choice("0123456789") for _ in range(digits - 1))


def pick_range(rng: random.Random, lo: int, hi: int, step: int) -> int:
    if step <= 0:
        return lo
    return lo + step * rng.randint(0, max(0, (hi - lo) // step))


# ============================================================================ indicators


def _count_expl(name: str, n: str, unit: str) -> str:
    return f"全年{name}不少于{n}{unit}"


def build_indicators(rng: random.Random, spec: FormSpec, n_total: int) -> list[Ind]:
    """10-40 distinct indicators: 产出 (数量/质量/时效), 成本 (经济成本), 效益, 满意度; money and
    unit-cost indicators agree with the budget (A10/A11), rates explain their formula (Q17)."""
    dom = spec.domain
    year = spec.year
    n_sat = rng.randint(1, 2)
    n_cost = rng.randint(1, 3)
    n_time = rng.randint(1, 3)
    n_quality = rng.randint(1, min(6, max(1, n_total // 6)))
    n_benefit = rng.randint(2, min(10, max(2, n_total // 4)))
    n_qty = max(1, n_total - n_sat - n_cost - n_time - n_quality - n_benefit)

    qty_pool = list(dom.quantity) + list(GENERIC_QUANTITY)
    rng.shuffle(qty_pool)
    quantities: list[Ind] = []
    for name, unit, lo, hi, step in qty_pool[:n_qty]:
        n = pick_range(rng, lo, hi, step)
        op = rng.choice(("≥", "≥", "≥", "")) if n > 1 else ""
        value = f"{op}{n}{unit}" if op else f"≥{n}{unit}"
        quantities.append(Ind("产出指标", "数量指标", name, value, _count_expl(name, str(n), unit),
                              rng.choice(STANDARDS), "count", D(n), unit, "quantity"))

    quality_pool = list(dom.quality) + list(GENERIC_QUALITY)
    rng.shuffle(quality_pool)
    qualities = []
    for name, lo, hi in quality_pool[:n_quality]:
        pct = rng.randint(lo, hi)
        value = "100%" if pct == 100 and rng.random() < 0.5 else f"≥{pct}%"
        base = name[:-3] if name.endswith("合格率") else name[:-1]
        qualities.append(Ind("产出指标", "质量指标", name, value,
                             f"{name}=达到标准的{base}数量/{base}总数×100%", rng.choice(STANDARDS),
                             "percent", D(pct), "%", "quality"))

    times = []
    deadlines = list(TIME_DEADLINES)
    rates = list(TIME_RATES)
    rng.shuffle(deadlines)
    rng.shuffle(rates)
    for i in range(n_time):
        if not (deadlines or rates):
            break
        if (i % 2 == 0 and deadlines) or not rates:
            name = deadlines.pop()
            month = rng.choice(MONTHS_END)
            value = rng.choice((f"{year}年{month}月底前", f"{year}年{month}月{30 if month in ('6', '9', '11') else 31}日前"))
            times.append(Ind("产出指标", "时效指标", name, value, f"于{year}年{month}月底前完成全部任务",
                             "计划标准", "deadline", None, "", "time"))
        else:
            name = rates.pop()
            pct = rng.choice((90, 95, 98, 100))
            value = "100%" if pct == 100 else f"≥{pct}%"
            times.append(Ind("产出指标", "时效指标", name, value, f"{name}=按时完成的任务数/计划任务数×100%",
                             "计划标准", "percent", D(pct), "%", "time"))

    benefits = []
    social = list(dom.social)
    rng.shuffle(social)
    pool = ([("社会效益指标", s) for s in social] + [("经济效益指标", s) for s in dom.economic]
            + [("生态效益指标", s) for s in dom.ecological])
    rng.shuffle(pool)
    sustain = list(GENERIC_SUSTAIN)
    rng.shuffle(sustain)
    # at least one quantitative social benefit first (Q18), then a mix
    ordered = [("社会效益指标", social[0])] + [p for p in pool if p[1] is not social[0]]
    for level2, (name, unit, lo, hi, step) in ordered:
        if len(benefits) >= n_benefit - 1 and benefits:
            break
        if name == "农田灌溉水有效利用系数":
            v = rng.choice(("0.55", "0.6", "0.62"))
            benefits.append(Ind("效益指标", level2, name, f"≥{v}",
                                "农田灌溉水有效利用系数=灌入田间可被作物利用的水量/灌溉系统取用的总水量",
                                "行业标准", "measure", D(v), "", "benefit"))
            continue
        if lo == hi == 0:  # qualitative economic benefit: graded value
            benefits.append(Ind("效益指标", level2, name, "达到预期目标", f"{name}情况，按年度调查结果评价",
                                "计划标准", "graded", None, "", "benefit"))
            continue
        n = pick_range(rng, lo, hi, step)
        if unit == "%":
            benefits.append(Ind("效益指标", level2, name, f"≥{n}%", f"{name}=相关数量/总数×100%",
                                rng.choice(STANDARDS), "percent", D(n), "%", "benefit"))
        else:
            benefits.append(Ind("效益指标", level2, name, f"≥{n}{unit}", f"全年{name}达到{n}{unit}以上",
                                rng.choice(STANDARDS), "measure", D(n), unit, "benefit"))
    while len(benefits) < n_benefit and sustain:
        name, value = sustain.pop()
        if "{n}" in value:
            n = rng.randint(5, 15)
            benefits.append(Ind("效益指标", "可持续影响指标", name, value.format(n=n), f"设施设备在正常维护下使用{n}年以上",
                                "行业标准", "duration", D(n), "年", "benefit"))
        else:
            benefits.append(Ind("效益指标", "可持续影响指标", name, value, f"{name}，以相关制度文件和运行记录为准",
                                "计划标准", "graded", None, "", "benefit"))
    # 二级 groups stay together when rendered (merged 二级 cells)
    order = {"经济效益指标": 0, "社会效益指标": 1, "生态效益指标": 2, "可持续影响指标": 3}
    benefits.sort(key=lambda i: order[i.l2])

    costs: list[Ind] = []
    budget = spec.budget_wan
    indicators_so_far = quantities + qualities + times + benefits
    if budget is not None and budget > 0:
        total_budget = budget
        name = {"department": "部门整体支出总成本"}.get(spec.kind, "项目总成本")
        costs.append(Ind("成本指标", "经济成本指标", name, f"≤{plain(total_budget)}万元",
                         f"{name}不超过年度预算{plain(total_budget)}万元", "预算支出标准",
                         "money", total_budget, "万元", "cost-total"))
        if n_cost >= 2:
            unit_cost = _unit_cost(rng, spec, indicators_so_far)
            if unit_cost is not None:
                costs.append(unit_cost)
    if len(costs) < n_cost:
        costs.append(Ind("成本指标", "经济成本指标", "预算成本控制率", "≤100%",
                         "预算成本控制率=实际支出成本/预算成本×100%", "预算支出标准", "percent", D(100), "%", "cost-rate"))
    sats = []
    served = list(dom.served)
    rng.shuffle(served)
    for who in served[:n_sat]:
        pct = rng.choice((85, 90, 90, 95))
        sats.append(Ind("满意度指标", "服务对象满意度指标", f"{who}满意度", f"≥{pct}%",
                        f"{who}满意度=调查满意人数/调查总人数×100%", "行业标准", "percent", D(pct), "%", "satisfaction"))
    # top up with more counts when a pool ran short (a unit cost keeps the quantity it was set from)
    per = next((i.unit.split("/", 1)[1] for i in costs if i.tag == "cost-unit"), None)
    spare = [q for q in qty_pool[n_qty:] if per is None or not (q[1].startswith(per) or per.startswith(q[1]))]
    while len(quantities) + len(qualities) + len(times) + len(costs) + len(benefits) + len(sats) < max(10, n_total) \
            and spare:
        name, unit, lo, hi, step = spare.pop(0)
        n = pick_range(rng, lo, hi, step)
        quantities.append(Ind("产出指标", "数量指标", name, f"≥{n}{unit}", _count_expl(name, str(n), unit),
                              rng.choice(STANDARDS), "count", D(n), unit, "quantity"))
    return quantities + qualities + times + costs + benefits + sats


def _matching_quantity(inds: list[Ind], per: str) -> Ind | None:
    """The indicator A11 pairs with a unit cost "元/<per>" (same logic as checker/facts/amounts.py)."""
    exact = prefix = None
    for ind in inds:
        if ind.number is None or not ind.unit or ind.unit in ("%", "万元", "元") or "/" in ind.unit or "元" in ind.unit:
            continue
        unit = ind.unit[1:] if len(ind.unit) > 1 and ind.unit[0] in "万亿" else ind.unit
        if unit == per and exact is None:
            exact = ind
        elif (unit.startswith(per) or per.startswith(unit)) and prefix is None:
            prefix = ind
    return exact or prefix


def _quantity_number(ind: Ind) -> Decimal:
    n = ind.number or D(0)
    return n * 10000 if len(ind.unit) > 1 and ind.unit[0] == "万" else n


def _unit_cost(rng: random.Random, spec: FormSpec, inds: list[Ind]) -> Ind | None:
    """A unit cost "≤X元/<unit>" whose product with the matching quantity is the A11 budget."""
    candidates = [i for i in inds if i.tag == "quantity" and i.unit in ("人", "人次", "场", "次", "户", "个", "期")]
    if not candidates:
        return None
    qty = rng.choice(candidates)
    per = qty.unit
    match = _matching_quantity(inds, per)
    if match is None:
        return None
    budget = spec.budget_wan
    if spec.kind == "department":
        budget = D(spec.money["project"])
    if budget is None or budget <= 0:
        return None
    price = (budget * 10000 / _quantity_number(match)).quantize(CENT, rounding=ROUND_HALF_UP)
    if not D(1) <= price <= D(20000):  # a plausible unit cost, else none is stated
        return None
    text = plain(price)
    name = ("人均" if per.startswith("人") else "单位") + "服务成本"
    if spec.kind == "project":
        name = "项目" + name
    return Ind("成本指标", "经济成本指标", name,
               f"≤{text}元/{per}", f"按年度预算与{match.name}测算，每{per}成本不超过{text}元", "预算支出标准",
               "unit_cost", price, f"元/{per}", "cost-unit")


# ============================================================================ cost lines


def build_costs(rng: random.Random, dom: Domain, n_lines: int) -> list[Cost]:
    """支出明细: each line's 测算 computes exactly (元 price × quantity = 万元 amount)."""
    pool = list(dom.costs)
    rng.shuffle(pool)
    out = []
    for content, item, price, per, qmin, qmax, qstep in pool[:n_lines]:
        for _ in range(20):
            q = pick_range(rng, qmin, qmax, qstep)
            if (price * q) % 100 == 0:
                break
        else:
            q = qmin * 100
        amount = D(price * q) / 10000
        if rng.random() < 0.2 and price >= 10000 and (price % 100 == 0):
            calc = f"{plain(D(price) / 10000)}万元/{per}×{q}{per}={plain(amount)}万元"
        else:
            calc = f"{price}元/{per}×{q}{per}={plain(amount)}万元"
        out.append(Cost(content, item, amount, calc))
    # merge two lines into one cell with two formulas now and then
    if len(out) >= 3 and rng.random() < 0.25:
        a, b = out[-2], out[-1]
        out[-2:] = [Cost(a.content, f"{a.item}及{b.item}", a.amount + b.amount, f"{a.calc}\n{b.calc}")]
    return out


# ============================================================================ forms


def _unit_name(rng: random.Random, dom: Domain) -> tuple[str, str]:
    city = rng.choice(sorted(CITIES))
    district = rng.choice(DISTRICTS)
    return city, f"{city}{district}{dom.suffix}"


def _plans(rng: random.Random, year: int, texts: list[str], style: str) -> list[list[str]]:
    halves = [("1", "6"), ("7", "12")]
    quarters = [("1", "3"), ("4", "6"), ("7", "9"), ("10", "12")]
    periods = quarters if rng.random() < 0.4 else halves
    out = []
    for i, (a, b) in enumerate(periods):
        text = texts[i % len(texts)]
        if style == "month":
            out.append([f"{a}月至{b}月", text])
        else:
            last = {"3": 31, "6": 30, "9": 30, "12": 31}[b]
            out.append([f"{year}-{int(a):02d}-01至{year}-{int(b):02d}-{last}", text])
    return out


def department(rng: random.Random, year: int, dom: Domain, city: str, unit: str, layout: str) -> FormSpec:
    spec = FormSpec("department", layout, year, unit, dom)
    basic = D(rng.randint(8000, 300000)) / 100
    project = D(rng.randint(1000, 200000)) / 100
    spec.money.update(basic=wan(basic), project=wan(project), total=wan(basic + project))
    if layout == "dept_d2":
        other = D(rng.randint(0, 2000)) / 100 if rng.random() < 0.4 else D(0)
        gov = D(rng.randint(0, 3000)) / 100 if rng.random() < 0.3 else D(0)
        general = basic + project - other - gov
        spec.money.update(general=wan(general), gov=wan(gov) if gov else "", other=wan(other) if other else "")
    goals = rng.sample(dom.goals, 3)
    spec.f["functions"] = dom.functions
    spec.f["goal"] = "；".join(f"{i + 1}.{g}" for i, g in enumerate(goals)) + "。"
    spec.f["org"] = dom.org
    spec.f["docs"] = "、".join(rng.sample(dom.docs, 2))
    tasks = rng.sample(dom.tasks, rng.randint(2, 4))
    spec.plans = _plans(rng, year, [f"{g}。" for _, g in tasks], "month")
    # 年度重点工作计划 (layout d2): 时间 | 事项 | 责任单位/科室 | 工作目标, one row per phase
    spec.f["tasks"] = [[period, tasks[i % len(tasks)][0], rng.choice(("办公室", "业务科", "计划财务科", "综合股")),
                        tasks[i % len(tasks)][1]] for i, (period, _) in enumerate(spec.plans)]
    filler, ph = person(rng), phone(rng, city)
    spec.contacts = {"filler": filler, "phone": ph, "leader_sign": person(rng), "seal": unit}
    spec.inds = build_indicators(rng, spec, rng.randint(10, 40))
    return spec


def project(rng: random.Random, year: int, dom: Domain, city: str, unit: str, layout: str,
            proj: tuple[str, str, str] | None = None, cap_wan: Decimal | None = None) -> FormSpec:
    spec = FormSpec("project", layout, year, unit, dom)
    name, goal, period_goal = proj or rng.choice(dom.projects)
    spec.f.update(project_name=name, goal=goal, org=dom.org, docs="、".join(rng.sample(dom.docs, 2)),
                  category=rng.choice(CATEGORIES), attribute=rng.choice(ATTRIBUTES),
                  implementer=city + rng.choice(dom.implementers), fund_nature="一般公共预算安排")
    if layout == "project_p1":
        total_yuan = rng.randint(50, 3000) * 1000
        if cap_wan is not None:
            total_yuan = min(total_yuan, int(cap_wan * 10000) // 1000 * 1000)
        spec.money["total"] = str(total_yuan)
        spec.f["period"] = f"{year}.1至{year}.12"
        spec.plans = _plans(rng, year, [f"{t}：{g}。" for t, g in rng.sample(dom.tasks, 2)], "date")
    else:
        for _ in range(50):
            spec.costs = build_costs(rng, dom, rng.randint(2, 5))
            total = sum((c.amount for c in spec.costs), D(0))
            if cap_wan is None or total <= cap_wan:
                break
        else:
            spec.costs = spec.costs[:1]
            total = spec.costs[0].amount
        spec.money.update(total=plain(total), fiscal=plain(total), other="0")
        spec.cost_total = plain(total)
        spec.f["period"] = rng.choice((f"{year}年1月至{year}年12月", f"{year}年", f"{year}年1月—{year}年12月"))
    spec.contacts = {"filler": person(rng), "phone": phone(rng, city), "leader": person(rng), "seal": unit,
                     "date": f"{year}年1月{rng.randint(5, 28)}日" if layout == "project_p2" else ""}
    spec.inds = build_indicators(rng, spec, rng.randint(10, 40))
    return spec


def summary(rng: random.Random, year: int, dom: Domain, city: str, unit: str,
            directions: list[tuple[str, str, Decimal, str, str]] | None = None) -> FormSpec:
    """Summary rows: 合计, then each 专项 (一, 二 …) with its directions (1, 2 …)."""
    spec = FormSpec("special_fund_summary", "summary", year, unit, dom)
    spec.f["level"] = rng.choice(LEVEL_WORDS)
    if directions is None:
        directions = []
        specials = rng.randint(1, 2)
        projects = list(dom.projects)
        rng.shuffle(projects)
        for s in range(specials):
            special = _special_name(dom, s)
            for j in range(rng.randint(1, 3)):
                if not projects:
                    break
                pname, goal, pgoal = projects.pop()
                amount = D(rng.randint(100, 50000)) / 100
                directions.append((special, pname, amount, pgoal, goal))
    total = sum((d[2] for d in directions), D(0))
    rows = [["", "合  计", plain(total), "", ""]]
    seen: list[str] = []
    for special, *_ in directions:
        if special not in seen:
            seen.append(special)
    for s, special in enumerate(seen):
        mine = [d for d in directions if d[0] == special]
        rows.append([CN_SEQ[s], special, plain(sum((d[2] for d in mine), D(0))), "", ""])
        for j, (_, pname, amount, pgoal, goal) in enumerate(mine):
            rows.append([str(j + 1), pname, plain(amount), pgoal, goal])
    spec.lines = rows
    spec.money["total"] = plain(total)
    spec.contacts = {"filler": person(rng), "phone": phone(rng, city), "leader_sign": person(rng), "seal": unit}
    return spec


SPECIAL_NAMES = {"kexie": ("科普事业发展专项", "科技创新服务专项"), "agri": ("农业产业发展专项资金", "乡村振兴衔接专项资金"),
                 "edu": ("教育发展专项资金", "学生资助专项资金"), "health": ("公共卫生服务专项资金", "医疗服务能力提升专项资金"),
                 "transport": ("交通建设专项资金", "公路养护专项资金"), "culture": ("公共文化服务专项资金", "文物保护专项资金"),
                 "civil": ("社会救助专项资金", "养老服务体系建设专项资金")}


def _special_name(dom: Domain, which: int = 0) -> str:
    return SPECIAL_NAMES[dom.key][which]


def direction(rng: random.Random, year: int, dom: Domain, city: str, unit: str,
              special: str | None = None, special_amount: Decimal | None = None,
              proj: tuple[str, str, str] | None = None) -> FormSpec:
    spec = FormSpec("spending_direction", "direction", year, unit, dom)
    pname, goal, pgoal = proj or rng.choice(dom.projects)
    spec.costs = build_costs(rng, dom, rng.randint(2, 5))
    total = sum((c.amount for c in spec.costs), D(0))
    spec.cost_total = plain(total)
    spec.money["total"] = plain(total)
    if special_amount is None:
        special_amount = total + (D(rng.randint(0, 3000)) / 100 if rng.random() < 0.5 else D(0))
    spec.money["special_amount"] = plain(special_amount)
    spec.f.update(direction_name=pname, special_name=special or _special_name(dom), goal=goal, period_goal=pgoal,
                  period=f"{year}年1月－{year}年12月", level=rng.choice(LEVEL_WORDS))
    spec.contacts = {"filler": person(rng), "phone": phone(rng, city), "leader_sign": person(rng), "seal": unit}
    spec.inds = build_indicators(rng, spec, rng.randint(10, 40))
    return spec


# ============================================================================ layouts -> grid


def money_cell(raw: str):
    """An amount cell: the .xlsx stores a number with a matching format, other formats the text."""
    try:
        value = D(raw)
    except Exception:
        return raw
    if raw.strip() == "" or not raw.replace(".", "", 1).replace("-", "", 1).isdigit():
        return raw
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    fmt = "0" if decimals == 0 else "0." + "0" * decimals
    number = int(value) if decimals == 0 else float(value)
    return bf.X(raw, number, fmt)


def _ind_rows(spec: FormSpec, extra: str) -> list[tuple]:
    """(一级, 二级, 三级, 指标值, extra?) with None where the label above continues (merged)."""
    rows = []
    prev_l1 = prev_l2 = None
    groups: list[tuple[str, str, list]] = []
    for ind in spec.inds:
        if groups and groups[-1][0] == ind.l1 and groups[-1][1] == ind.l2:
            groups[-1][2].append(ind)
        else:
            groups.append((ind.l1, ind.l2, [ind]))
    for l1, l2 in spec.empty_level2:  # S12: a 二级 left without any 三级 (inserted after its 一级)
        at = max((i for i, g in enumerate(groups) if g[0] == l1), default=len(groups) - 1)
        groups.insert(at + 1, (l1, l2, [Ind(l1, l2, "", "")]))
    for l1, l2, inds in groups:
        for ind in inds:
            row = [None if l1 == prev_l1 else l1, None if (l2 == prev_l2 and l1 == prev_l1) else l2, ind.name, ind.value]
            if extra == "expl":
                row.append(ind.expl)
            elif extra == "std":
                row.append(ind.std)
            rows.append(tuple(row))
            prev_l1, prev_l2 = l1, l2
    return rows


def _contact_after(spec: FormSpec, sign: bool) -> list[str]:
    c = spec.contacts
    out = []
    if sign:
        out.append(f"单位负责人签字：{c.get('leader_sign', '')}")
    out.append(f"填表人：{c.get('filler', '')}                    联系电话：{c.get('phone', '')}")
    return out


def layout_dept_d1(spec: FormSpec) -> bf.Form:
    m, f, c = spec.money, spec.f, spec.contacts
    header = ("一级", "二级", "三级", "指标值", "指标解释及计算公式")
    grid = [
        ["部门(单位)基本情况", "部门(单位)名称", spec.unit, "<", "<", "<"],
        ["^", "部门(单位)职能描述", f.get("functions", ""), "<", "<", "<"],
        ["部门(单位)资金情况", "支出预算(本级)", "名称", f"{spec.year}年度预算金额(万元)", "<", "<"],
        ["^", "^", "基本支出", money_cell(m["basic"]), "<", "<"],
        ["^", "^", "项目支出", money_cell(m["project"]), "<", "<"],
        ["^", "^", "资金总额(万元)", money_cell(m["total"]), "<", "<"],
    ]
    if "goal" in f:
        grid.append(["部门(单位)绩效目标", "<", f["goal"], "<", "<", "<"])
    grid += [
        ["保障绩效目标实现的措施", "组织机构", f["org"], "<", "<", "<"],
        ["^", "相关管理制度", f["docs"], "<", "<", "<"],
    ]
    for i, (period, text) in enumerate(spec.plans):
        grid.append(["部门(单位)目标阶段性计划" if i == 0 else "^", "<" if i == 0 else "^", period, text, "<", "<"])
    grid += bf._indicator_rows("绩效指标", 6, [header] + _ind_rows(spec, "expl"))
    before = [f"{spec.unit}{spec.year}年部门整体支出绩效目标表", f"编制单位：{c['seal']}"] + spec.before_extra
    after = [f"经办人：{c['filler']}", f"联系电话：{c['phone']}"] + spec.after_extra
    return bf.Form("部门整体支出", grid, before, after)


def layout_dept_d2(spec: FormSpec) -> bf.Form:
    m, f, c = spec.money, spec.f, spec.contacts
    grid = [
        [f"{spec.year}年部门整体支出绩效目标表", "<", "<", "<", "<"],
        [f"填报单位：{c['seal']}", "", "", "", "金额：万元"],
        ["部门名称", spec.unit, "<", "<", "<"],
        ["年度预算申请（万元）", f"资金总额：{m['total']}", "<", "<", "<"],
        ["^", "按收入性质分", "<", "按支出性质分", "<"],
        ["^", "其中：一般公共预算拨款", money_cell(m["general"]), "其中：基本支出", money_cell(m["basic"])],
        ["^", "政府性基金拨款", money_cell(m["gov"]), "项目支出", money_cell(m["project"])],
        ["^", "其他资金", money_cell(m["other"]), "", ""],
        ["部门职责概述", f.get("functions", ""), "<", "<", "<"],
    ]
    if "goal" in f:
        grid.append(["年度绩效目标", f["goal"], "<", "<", "<"])
    grid.append(["年度重点工作计划", "时间", "事项", "责任单位/科室", "工作目标"])
    for period, task, owner, goal in f["tasks"]:
        grid.append(["^", period, task, owner, goal])
    header = ("一级指标", "二级指标", "三级指标", "指标值及单位")
    grid += bf._indicator_rows("年度绩效指标", 5, [header] + _ind_rows(spec, ""))
    return bf.Form("部门整体支出", grid, list(spec.before_extra), _contact_after(spec, True) + spec.after_extra)


def layout_project_p1(spec: FormSpec) -> bf.Form:
    m, f, c = spec.money, spec.f, spec.contacts
    header = ("一级指标", "二级指标", "三级指标", "指标值", "指标解释及计算公式")
    grid = [
        ["项目基本情况", "项目名称", f["project_name"], "<", "<", "<"],
        ["^", "项目负责人", c["leader"], "<", "联系电话", c["phone"]],
        ["^", "项目类别", f["category"], "<", "<", "<"],
        ["^", "项目属性", f["attribute"], "<", "<", "<"],
        ["项目计划实施时间", "<", f["period"], "<", "<", "<"],
        ["项目资金情况", "预算资金(元)", money_cell(m["total"]), "<", "资金性质", f["fund_nature"]],
        ["年度目标", "<", f["goal"], "<", "<", "<"],
    ]
    for i, (period, text) in enumerate(spec.plans):
        grid.append(["本年度实施计划" if i == 0 else "^", period, text, "<", "<", "<"])
    grid += [
        ["保障绩效目标实现的措施", "组织机构:", f["org"], "<", "<", "<"],
        ["^", "管理制度:", f["docs"], "<", "<", "<"],
    ]
    grid += bf._indicator_rows("绩效目标情况", 6, [header] + _ind_rows(spec, "expl"))
    before = [f"{spec.unit}项目绩效目标表", f"({spec.year}年度)", f"编制单位(盖章): {c['seal']}"] + spec.before_extra
    after = [f"填表人：{c['filler']}"] + spec.after_extra
    return bf.Form("项目绩效目标", grid, before, after)


def layout_project_p2(spec: FormSpec) -> bf.Form:
    m, f, c = spec.money, spec.f, spec.contacts
    grid = [
        ["项目名称", f["project_name"], "<", "<", "<", "<"],
        ["主管部门", spec.unit, "<", "实施单位", f["implementer"], "<"],
        ["项目类别", f["category"], "<", "项目期", f["period"], "<"],
        ["项目资金（万元）", "年度资金总额", "<", money_cell(m["total"]), "<", "<"],
        ["^", "其中：财政拨款", "<", money_cell(m["fiscal"]), "<", "<"],
        ["^", "其他资金", "<", money_cell(m["other"]), "<", "<"],
        ["年度目标", f["goal"], "<", "<", "<", "<"],
        ["支出明细测算", "支出内容", "支出明细", "金额", "测算依据", "<"],
    ]
    grid += _cost_rows(spec)
    grid.append(["^", "合计", "<", money_cell(spec.cost_total), "", "<"])
    header = ("一级指标", "二级指标", "三级指标", "指标值")
    grid += bf._indicator_rows("绩效指标", 6, [header] + _ind_rows(spec, ""), name_span=2)
    grid.append(["填表人", c["filler"], "<", "填报日期", c["date"], "<"])
    before = [f"{spec.year}年度项目支出绩效目标表", f"填报单位：{c['seal']}", "金额单位：万元"] + spec.before_extra
    after = [f"项目负责人：{c['leader']}", f"联系电话：{c['phone']}"] + spec.after_extra
    return bf.Form("项目支出绩效目标表", grid, before, after)


def _cost_rows(spec: FormSpec) -> list[list]:
    rows = []
    prev = None
    for cost in spec.costs:
        content = "^" if cost.content == prev else cost.content
        rows.append(["^", content, cost.item, money_cell(plain(cost.amount)) if cost.amount is not None else "",
                     cost.calc, "<"])
        prev = cost.content
    return rows


def layout_summary(spec: FormSpec) -> bf.Form:
    c = spec.contacts
    grid = [
        [f"{spec.year}年{spec.f['level']}专项资金绩效目标汇总表", "<", "<", "<", "<"],
        [f"填报单位：{c['seal']}", "", "", "金额单位：万元", "<"],
        ["序号", "名  称", "金  额", "实施期绩效目标", "年度绩效目标"],
    ]
    for seq, name, amount, pgoal, goal in spec.lines:
        grid.append([seq, name, money_cell(amount), pgoal, goal])
    return bf.Form("专项资金汇总", grid, ["附表2"] + spec.before_extra, _contact_after(spec, True) + spec.after_extra)


def layout_direction(spec: FormSpec) -> bf.Form:
    m, f, c = spec.money, spec.f, spec.contacts
    grid = [
        [f"{spec.year}年{f['level']}专项资金支出方向绩效目标表", "<", "<", "<", "<", "<"],
        [f"填报单位：{c['seal']}", "", "", "金额单位：万元", "<", "<"],
        ["支出方向（子项）", f["direction_name"], "所属专项", "名称", f["special_name"], "<"],
        ["项目金额", money_cell(m["total"]), "^", "金额", money_cell(m["special_amount"]), "<"],
        ["项目实施期", f["period"], "<", "<", "<", "<"],
        ["实施期绩效目标", f["period_goal"], "<", "<", "<", "<"],
        ["年度绩效目标", f["goal"], "<", "<", "<", "<"],
    ]
    header = ("一级指标", "二级指标", "三级指标", "指标值及单位", "绩效标准")
    grid += bf._indicator_rows("年度绩效指标", 6, [header] + _ind_rows(spec, "std"))
    grid.append(["支出明细及测算说明", "支出内容简介", "支出明细", "金额", "支出测算依据及过程说明", "<"])
    grid += _cost_rows(spec)
    grid.append(["^", "合  计", "<", money_cell(spec.cost_total), "", "<"])
    return bf.Form("支出方向", grid, ["附表3"] + spec.before_extra, _contact_after(spec, True) + spec.after_extra)


LAYOUTS = {"dept_d1": layout_dept_d1, "dept_d2": layout_dept_d2, "project_p1": layout_project_p1,
           "project_p2": layout_project_p2, "summary": layout_summary, "direction": layout_direction}


def render_tika(variant: bf.Variant) -> bytes:
    """Apache Tika plain text (seed 004): one cell per line with a leading tab, a blank line after
    each table row and each paragraph; a horizontally merged cell once, a vertically merged
    continuation as an empty cell; a line break inside a cell stays a line break."""
    lines: list[str] = []
    for form in variant.forms:
        for text in form.before:  # a paragraph outside a table, then an empty line
            lines += [text, ""]
        for row in form.grid:
            for cell in row:
                if cell == "<":
                    continue
                lines.append("\t" + ("" if cell == "^" else bf.text_of(cell)))
            lines.append("")
        for text in form.after:
            lines += [text, ""]
    return ("\n".join(lines) + "\n").encode("utf-8")


# ============================================================================ defects

# rule -> (layouts it applies to, what it changes: "+"-joined keys; two defects touching the same
# key of one form conflict, so only one of them is injected there)
ALL_INDICATOR_LAYOUTS = ("dept_d1", "dept_d2", "project_p1", "project_p2", "direction")
DEFECTS: dict[str, tuple[tuple[str, ...], str]] = {
    "A01": (("dept_d1", "dept_d2"), "basic"),
    "A02": (("dept_d2",), "income"),
    "A03": (("project_p2", "direction"), "cost_total+cost_indicator+unit_cost+special_amount"),
    "A04": (("project_p2", "direction"), "calc"),
    "A05": (("summary",), "summary_total"),
    "A06": (("direction",), "special_amount"),
    "A07": (("pair_dept_project",), "project_amount+cost_indicator+unit_cost"),
    "A09": (("dept_d1", "dept_d2"), "basic"),
    "A10": (("dept_d1", "dept_d2", "project_p1", "project_p2", "direction"), "cost_indicator"),
    "A11": (("project_p1", "project_p2", "direction", "dept_d1", "dept_d2"), "unit_cost"),
    "A12": (ALL_INDICATOR_LAYOUTS, "quality"),
    "T01": (("dept_d1", "dept_d2", "project_p1", "summary", "direction"), "placeholder"),
    "T02": (("summary", "project_p2", "direction", "dept_d2"), "filler_row"),
    "T03": (("summary",), "empty_row"),
    "T04": (("*",), "artefact+filler"),  # text formats only (see _applicable); the artefact sits on the filler's name
    "T05": (("*",), "guidance"),
    "T06": (("dept_d1", "project_p1", "project_p2"), "prompt"),
    "K01": (("*",), "filler"),
    "K02": (("*",), "phone"),
    "K03": (("dept_d2", "summary", "direction"), "sign"),
    "K04": (("dept_d1", "dept_d2", "project_p1", "project_p2", "summary", "direction"), "seal"),
    "K05": (("project_p1", "project_p2"), "leader"),
    "S04": (("dept_d1", "dept_d2"), "functions"),
    "S05": (("dept_d1", "dept_d2"), "goal"),
    "S08": (ALL_INDICATOR_LAYOUTS, "satisfaction"),
    "S11": (ALL_INDICATOR_LAYOUTS, "time"),
    "S12": (ALL_INDICATOR_LAYOUTS, "empty_level2"),
    "S14": (("dept_d1", "project_p1"), "expl"),
    "S15": (("project_p1", "project_p2", "direction"), "period"),
    "Q01": (ALL_INDICATOR_LAYOUTS, "quantity"),
    "Q02": (ALL_INDICATOR_LAYOUTS, "satisfaction"),
    "Q03": (ALL_INDICATOR_LAYOUTS, "quantity"),
    "Q04": (ALL_INDICATOR_LAYOUTS, "benefit"),
    "Q05": (ALL_INDICATOR_LAYOUTS, "quality"),
    "Q12": (ALL_INDICATOR_LAYOUTS, "satisfaction"),
    "Q14": (ALL_INDICATOR_LAYOUTS, "benefit"),
    "Q15": (ALL_INDICATOR_LAYOUTS, "time"),
    "Q16": (ALL_INDICATOR_LAYOUTS, "quantity"),
}
# Relative weight of each family when a defect is drawn, then uniform within the family.
FAMILY_WEIGHTS = {"A": 0.34, "T": 0.24, "K": 0.24, "S": 0.09, "Q": 0.09}
CLEAN_FRACTION = 0.25
DEFECT_COUNT_WEIGHTS = {1: 0.45, 2: 0.35, 3: 0.20}  # among files with defects


def _ind(spec: FormSpec, tag: str, rng: random.Random) -> Ind:
    return rng.choice([i for i in spec.inds if i.tag == tag])


def inject(rule: str, spec: FormSpec, rng: random.Random, pair: list[FormSpec]) -> str:
    """Apply one defect to `spec`; return what was changed (for the manifest)."""
    m, f, c = spec.money, spec.f, spec.contacts
    if rule == "A01":
        delta = D(rng.choice((1, -1))) * D(rng.randint(10, 5000)) / 100
        old = m["basic"]
        m["basic"] = wan(D(old) + delta)
        if spec.layout == "dept_d2":  # keep 资金总额 = 按收入性质 (A02 must not be the one to fire)
            pass
        return f"基本支出 {old} -> {m['basic']} (资金总额 {m['total']} unchanged)"
    if rule == "A02":
        delta = D(rng.randint(50, 5000)) / 100
        old = m["general"]
        m["general"] = wan(D(old) + delta)
        return f"一般公共预算拨款 {old} -> {m['general']} (资金总额 {m['total']})"
    if rule == "A09":
        old = m["basic"]
        m["basic"] = old + "4"  # a third decimal, inside the A01 tolerance
        return f"基本支出 {old} -> {m['basic']} (three decimals)"
    if rule == "A03":
        old = spec.cost_total
        delta = max(D("0.5"), (D(old) * D(rng.randint(5, 30)) / 100).quantize(CENT))
        new = D(old) + delta
        spec.cost_total = plain(new)
        m["total"] = plain(new)
        if "fiscal" in m:
            m["fiscal"] = plain(new)
        if "special_amount" in m and D(m["special_amount"]) < new:
            m["special_amount"] = plain(new)  # the special fund still holds the direction (A06 quiet)
        _refresh_budget_indicators(spec)  # cost indicators follow the new amount (A10/A11 quiet)
        return f"合计 and 项目金额 {old} -> {plain(new)} (cost lines still add up to {old})"
    if rule == "A04":
        cost = rng.choice([x for x in spec.costs if "\n" not in x.calc and "=" in x.calc])
        head, stated = cost.calc.rsplit("=", 1)
        number = D(stated.replace("万元", ""))
        wrong = number + max(D("0.1"), (number * D(rng.randint(10, 50)) / 100).quantize(CENT))
        cost.calc = f"{head}={plain(wrong)}万元"
        return f"测算 '{head}={stated}' -> '{cost.calc}' (row amount {plain(cost.amount)})"
    if rule == "A05":
        old = spec.lines[0][2]
        new = D(old) + D(rng.randint(50, 3000)) / 100
        spec.lines[0][2] = plain(new)
        spec.money["total"] = plain(new)
        return f"合计 {old} -> {plain(new)}"
    if rule == "A06":
        old = m["special_amount"]
        new = (D(m["total"]) * D(rng.randint(40, 90)) / 100).quantize(CENT)
        m["special_amount"] = plain(new)
        return f"所属专项金额 {old} -> {plain(new)} (< 项目金额 {m['total']})"
    if rule == "A07":
        dept = pair[0]
        proj = spec
        cap = D(dept.money["project"])
        if proj.layout == "project_p1":
            new = int((cap + D(rng.randint(5, 200))) * 10000) // 100 * 100
            old = m["total"]
            m["total"] = str(new)
            _refresh_budget_indicators(proj)
            return f"预算资金(元) {old} -> {new} (> 部门项目支出 {dept.money['project']} 万元)"
        raise ValueError("A07 needs a project_p1 project")
    if rule == "A10":
        ind = next(i for i in spec.inds if i.tag == "cost-total")
        budget = spec.budget_wan
        over = (budget * D(rng.randint(120, 300)) / 100).quantize(CENT)
        old = ind.value
        ind.value, ind.number = f"≤{plain(over)}万元", over
        return f"{ind.name} {old} -> {ind.value} (budget {plain(budget)} 万元)"
    if rule == "A11":
        ind = next((i for i in spec.inds if i.tag == "cost-unit"), None)
        if ind is None:
            return ""
        # A11 accepts a unit cost that agrees (within 20 %) with the budget or with one 支出明细 line
        # (a component's unit cost), for any quantity in its unit: the factor must miss them all.
        per = ind.unit.split("/", 1)[1]
        quantities = [_quantity_number(q) for q in spec.inds if q is not ind and _matching_quantity([q], per)]
        base = D(spec.money["project"]) if spec.kind == "department" else spec.budget_wan
        targets = [t for t in [base, *(c.amount for c in spec.costs)] if t]
        factors = [D(f) for f in (2, 3, 5, "0.3", "0.5")]
        rng.shuffle(factors)
        factor, price = None, D(0)
        for candidate in factors:
            price = (ind.number * candidate).quantize(CENT)
            if all(abs(price * n / 10000 - t) > t * D("0.25") for n in quantities for t in targets):
                factor = candidate
                break
        if factor is None:
            return ""
        old = ind.value
        ind.value = f"≤{plain(price)}{'元/' + ind.unit.split('/', 1)[1]}"
        ind.number = price
        return f"{ind.name} {old} -> {ind.value} (×{factor}, no longer matches the budget)"
    if rule == "A12":
        ind = _ind(spec, "quality", rng)
        old = ind.value
        pct = rng.choice((105, 110, 120, 150))
        ind.value, ind.number = f"≥{pct}%", D(pct)
        return f"{ind.name} {old} -> {ind.value}"
    if rule == "T01":
        if spec.layout == "summary":
            row = rng.choice([r for r in spec.lines if r[0].isdigit()])
            old = row[1]
            row[1] = f"支出方向（子项）{row[0]}"
            return f"汇总表 direction '{old}' -> '{row[1]}'"
        if spec.layout == "direction":
            old = f["special_name"]
            f["special_name"] = rng.choice("ABC") + "专项"
            return f"所属专项名称 '{old}' -> '{f['special_name']}'"
        if spec.layout == "dept_d2":
            n = len(f["tasks"]) + 1
            f["tasks"].append(["", f"事项{n}", "", ""])
            return f"年度重点工作计划: empty row '事项{n}'"
        old = f["org"]
        f["org"] = "XX单位、XX领导小组"
        return f"组织机构 '{old[:10]}…' -> '{f['org']}'"
    if rule == "T02":
        if spec.layout == "summary":
            spec.lines.append(["", "……", "", "", ""])
        elif spec.layout == "dept_d2":
            f["tasks"].append(["", "……", "", ""])
        else:
            spec.costs.append(Cost("……", "", None, ""))  # type: ignore[arg-type]
        return "a '……' filler row"
    if rule == "T03":
        last = max(int(r[0]) for r in spec.lines if r[0].isdigit())
        spec.lines.append([str(last + 1), "", "", "", ""])
        return f"numbered row {last + 1} with nothing filled"
    if rule == "T04":
        c["filler"] = "[bookmark: _GoBack]" + c["filler"]
        return "'[bookmark: _GoBack]' before the filler's name"
    if rule == "T05":
        spec.after_extra.append(rng.choice((
            "填表说明：1.三级指标可根据实际情况自行增加；2.指标值请填写具体数值。",
            "注：各地可根据实际情况自行设置三级指标。",
            "填报说明：请填写量化的指标值，定性指标请按分级分档表述。",
        )))
        return "guidance text left after the table"
    if rule == "T06":
        if spec.layout == "dept_d1":
            spec.plans[-1][0] = "(  )月至(  )月"
            return "阶段性计划 period left as '(  )月至(  )月'"
        spec.after_extra.append("填报日期：    年   月   日")
        return "'填报日期：    年   月   日' left unfilled"
    if rule == "K01":
        old = c["filler"]
        c["filler"] = rng.choice(("", "", "XX"))
        return f"filler '{old}' -> '{c['filler']}'"
    if rule == "K02":
        old = c["phone"]
        c["phone"] = rng.choice(("", "12345", "0731-123"))
        return f"phone '{old}' -> '{c['phone']}'"
    if rule == "K03":
        c["leader_sign"] = ""
        return "单位负责人签字 left blank"
    if rule == "K04":
        c["seal"] = "（盖章）" if spec.layout in ("dept_d2", "summary", "direction", "project_p2") else ""
        return f"seal line left as '{c['seal']}'"
    if rule == "K05":
        old = c["leader"]
        c["leader"] = ""
        return f"项目负责人 '{old}' -> ''"
    if rule == "S04":
        f["functions"] = ""
        return "职能描述 left blank"
    if rule == "S05":
        del f["goal"]
        return "年度/整体绩效目标 row removed"
    if rule == "S08":
        spec.inds = [i for i in spec.inds if i.tag != "satisfaction"]
        return "满意度指标 removed"
    if rule == "S11":
        spec.inds = [i for i in spec.inds if i.tag != "time"]
        return "时效指标 removed"
    if rule == "S12":
        spec.empty_level2.append(("效益指标", "生态效益指标") if not any(i.l2 == "生态效益指标" for i in spec.inds)
                                 else ("效益指标", "经济效益指标") if not any(i.l2 == "经济效益指标" for i in spec.inds)
                                 else ("效益指标", "可持续影响指标"))
        if any(i.l2 == spec.empty_level2[-1][1] for i in spec.inds):
            spec.empty_level2.pop()
            return ""
        return f"empty 二级 row {spec.empty_level2[-1][1]}"
    if rule == "S14":
        ind = rng.choice(spec.inds)
        ind.expl = ""
        return f"explanation of '{ind.name}' left blank"
    if rule == "S15":
        y = spec.year
        old = f["period"]
        if spec.layout == "project_p1":
            f["period"] = f"{y}.1至{y + 1}.6"
        elif spec.layout == "direction":
            f["period"] = f"{y}年1月－{y + 1}年6月"
        else:
            f["period"] = f"{y}年1月至{y + 1}年6月"
        return f"实施期 '{old}' -> '{f['period']}'"
    if rule == "Q01":
        ind = _ind(spec, "quantity", rng)
        old = ind.value
        ind.value = ""
        return f"{ind.name} value '{old}' -> ''"
    if rule == "Q02":
        ind = _ind(spec, "satisfaction", rng)
        old = ind.value
        ind.value = old.replace("≥", "")
        return f"{ind.name} '{old}' -> '{ind.value}'"
    if rule == "Q03":
        ind = _ind(spec, "quantity", rng)
        old = ind.value
        ind.value = "≥" + plain(ind.number)
        return f"{ind.name} '{old}' -> '{ind.value}' (no unit)"
    if rule == "Q04":
        ind = _ind(spec, "benefit", rng)
        old = ind.value
        ind.value = rng.choice(("持续提升", "有所提高", "明显改善", "稳步提高"))
        ind.kind = "qualitative"
        return f"{ind.name} '{old}' -> '{ind.value}'"
    if rule == "Q05":
        ind = _ind(spec, "quality", rng)
        old = ind.value
        ind.value = "力争" + old
        return f"{ind.name} '{old}' -> '{ind.value}'"
    if rule == "Q12":
        ind = _ind(spec, "satisfaction", rng)
        old = ind.value
        ind.value = f"≥{rng.choice((60, 70, 75))}%"
        return f"{ind.name} '{old}' -> '{ind.value}'"
    if rule == "Q14":
        ind = _ind(spec, "benefit", rng)
        old = ind.value
        ind.value = rng.choice(("无", "/", "—"))
        return f"{ind.name} '{old}' -> '{ind.value}'"
    if rule == "Q15":
        ind = _ind(spec, "time", rng)
        old = ind.value
        ind.value = f"{spec.year + 1}年6月底前"
        ind.kind = "deadline"
        return f"{ind.name} '{old}' -> '{ind.value}'"
    if rule == "Q16":
        ind = _ind(spec, "quantity", rng)
        twin = Ind(ind.l1, ind.l2, ind.name, ind.value, ind.expl, ind.std, ind.kind, ind.number, ind.unit, "twin")
        spec.inds.insert(spec.inds.index(ind) + 1, twin)
        return f"'{ind.name}' listed twice"
    raise KeyError(rule)


def _refresh_budget_indicators(spec: FormSpec) -> None:
    """After the budget moved: total-cost indicator = budget, unit cost recomputed (A10/A11 stay quiet)."""
    budget = spec.budget_wan
    for ind in spec.inds:
        if ind.tag == "cost-total":
            ind.value, ind.number = f"≤{plain(budget)}万元", budget
            ind.expl = f"{ind.name}不超过年度预算{plain(budget)}万元"
        elif ind.tag == "cost-unit":
            per = ind.unit.split("/", 1)[1]
            match = _matching_quantity([i for i in spec.inds if i is not ind], per)
            base = D(spec.money["project"]) if spec.kind == "department" else budget
            price = (base * 10000 / _quantity_number(match)).quantize(CENT, rounding=ROUND_HALF_UP)
            ind.value, ind.number = f"≤{plain(price)}元/{per}", price


def _applicable(rule: str, spec: FormSpec, composition: str, form_index: int, fmt: str) -> bool:
    layouts, _ = DEFECTS[rule]
    if rule == "T04" and not fmt.endswith(".txt"):
        return False  # "[bookmark: …]" is what a text extraction leaves; Word/Excel hold real bookmarks
    if rule == "A07":
        return composition == "department+project" and form_index == 1 and spec.layout == "project_p1"
    if rule in ("T04",) and form_index > 0:
        return False
    if "*" not in layouts and spec.layout not in layouts:
        return False
    tags = {i.tag for i in spec.inds}
    need = {"A10": "cost-total", "A11": "cost-unit", "A12": "quality", "Q01": "quantity", "Q03": "quantity",
            "Q16": "quantity", "Q02": "satisfaction", "Q12": "satisfaction", "S08": "satisfaction",
            "Q04": "benefit", "Q14": "benefit", "Q05": "quality", "Q15": "time", "S11": "time"}
    if rule in need and need[rule] not in tags:
        return False
    if rule == "A04" and not any("\n" not in x.calc and "=" in x.calc for x in spec.costs):
        return False
    if composition == "special_fund_summary+spending_direction" and rule in ("A05", "A06", "T01", "A03"):
        return False  # the pair is checked across tables: keep the injected defect local to one table
    if composition == "department+project" and rule in ("A03", "A10", "A11", "S15"):
        return form_index == 1 or rule not in ("S15",)
    return True


# ============================================================================ files

COMPOSITIONS = [("department", 0.22), ("project", 0.26), ("special_fund_summary", 0.14),
                ("spending_direction", 0.20), ("department+project", 0.10),
                ("special_fund_summary+spending_direction", 0.08)]
FORMATS = [(".docx", 0.36), (".xlsx", 0.32), (".txt", 0.22), (".tika.txt", 0.10)]


def _weighted(rng: random.Random, items: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def make_file(seed: int, index: int, render: bool = True) -> tuple[str, bytes, dict]:
    """One submission: (file name, bytes, manifest entry). Depends only on (seed, index).
    render=False builds and checks the grids but returns no bytes (fast, for tests)."""
    rng = random.Random(f"jixiao-corpus:{seed}:{index}")
    composition = _weighted(rng, COMPOSITIONS)
    fmt = _weighted(rng, FORMATS)
    year = rng.choice((2022, 2023, 2024, 2024, 2025))
    dom = rng.choice(DOMAINS)
    city, unit = _unit_name(rng, dom)
    forms: list[FormSpec] = []
    if composition == "department":
        forms.append(department(rng, year, dom, city, unit, rng.choice(("dept_d1", "dept_d2"))))
    elif composition == "project":
        forms.append(project(rng, year, dom, city, unit, rng.choice(("project_p1", "project_p2"))))
    elif composition == "special_fund_summary":
        forms.append(summary(rng, year, dom, city, unit))
    elif composition == "spending_direction":
        forms.append(direction(rng, year, dom, city, unit))
    elif composition == "department+project":
        dept = department(rng, year, dom, city, unit, rng.choice(("dept_d1", "dept_d2")))
        proj = rng.choice(dom.projects)
        # the department's key work mentions the project (C07), and the project fits in 项目支出 (A07)
        if dept.layout == "dept_d1":
            dept.plans[0][1] = f"{proj[0]}：{proj[1]}"
        else:
            dept.f["tasks"][0][3] = f"{proj[0]}：{proj[1]}"
        proj_spec = project(rng, year, dom, city, unit, "project_p1", proj, cap_wan=D(dept.money["project"]))
        # an indicator named in both tables carries the department's value (C03)
        by_name = {i.name: i for i in dept.inds}
        for ind in proj_spec.inds:
            twin = by_name.get(ind.name)
            if twin is not None:
                ind.value, ind.expl, ind.number, ind.unit, ind.kind = twin.value, twin.expl, twin.number, twin.unit, twin.kind
        _refresh_budget_indicators(proj_spec)
        forms += [dept, proj_spec]
    else:
        special = _special_name(dom)
        proj = rng.choice(dom.projects)
        dirn = direction(rng, year, dom, city, unit, special=special, proj=proj)
        total = D(dirn.money["total"])
        dirn.money["special_amount"] = plain(total)
        summ = summary(rng, year, dom, city, unit, [(special, proj[0], total, proj[2], proj[1])])
        summ.f["level"] = dirn.f["level"]
        forms += [summ, dirn]

    # defects
    defects: list[dict] = []
    clean = rng.random() < CLEAN_FRACTION
    if not clean:
        wanted = int(_weighted(rng, [(str(k), w) for k, w in DEFECT_COUNT_WEIGHTS.items()]))
        touched: set[tuple[int, str]] = set()
        rules_done: set[str] = set()
        attempts = 0
        while len(defects) < wanted and attempts < 40:
            attempts += 1
            family = _weighted(rng, list(FAMILY_WEIGHTS.items()))
            form_index = rng.randrange(len(forms))
            spec = forms[form_index]
            options = [r for r in DEFECTS if r[0] == family and r not in rules_done
                       and _applicable(r, spec, composition, form_index, fmt)
                       and not any((form_index, key) in touched for key in DEFECTS[r][1].split("+"))]
            if not options:
                continue
            rule = rng.choice(options)
            detail = inject(rule, spec, rng, forms)
            if not detail:
                continue
            touched.update((form_index, key) for key in DEFECTS[rule][1].split("+"))
            rules_done.add(rule)
            defects.append({"rule": rule, "form": form_index, "kind": spec.kind, "detail": detail})
        clean = not defects

    name = f"{index:05d}_{composition.replace('special_fund_summary', 'summary').replace('spending_direction', 'direction')}"
    variant = bf.Variant(name, f"jixiao synthetic corpus, seed {seed}, file {index}",
                         [LAYOUTS[s.layout](s) for s in forms])
    ext = ".txt" if fmt == ".tika.txt" else fmt
    if not render:
        for form in variant.forms:
            bf.merges(form.grid)  # every merged region is a rectangle
        data = b""
    elif fmt == ".tika.txt":
        data = render_tika(variant)
    else:
        data = bf.RENDERERS[fmt](variant)
    entry = {
        "composition": composition,
        "forms": [s.kind for s in forms],
        "layouts": [s.layout for s in forms],
        "format": fmt.lstrip("."),
        "year": year,
        "unit": unit,
        "indicators": [len(s.inds) for s in forms],
        "clean": clean,
        "defects": defects,
    }
    return name + ext, data, entry


def _batch(args: tuple[int, list[int], str]) -> list[tuple[str, dict, str]]:
    seed, indices, out = args
    done = []
    for index in indices:
        name, data, entry = make_file(seed, index)
        (Path(out) / name).write_bytes(data)
        done.append((name, entry, hashlib.sha256(data).hexdigest()))
    return done


def generate(n: int, out: Path, seed: int = 1, jobs: int = 1) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    chunks = [list(range(i, min(n, i + 50))) for i in range(0, n, 50)]
    results: list[tuple[str, dict, str]] = []
    if jobs > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for part in pool.map(_batch, [(seed, c, str(out)) for c in chunks]):
                results.extend(part)
    else:
        for c in chunks:
            results.extend(_batch((seed, c, str(out))))
    files = {name: dict(entry, sha256=digest) for name, entry, digest in sorted(results)}
    injected = Counter(d["rule"] for e in files.values() for d in e["defects"])
    manifest = {
        "generator": "benchmarks/make_corpus.py",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "n": n,
        "rates": {"clean_fraction": CLEAN_FRACTION, "defects_per_file": {str(k): w for k, w in DEFECT_COUNT_WEIGHTS.items()},
                  "family_weights": FAMILY_WEIGHTS, "compositions": dict(COMPOSITIONS), "formats": dict(FORMATS)},
        "summary": {
            "files": len(files),
            "clean": sum(1 for e in files.values() if e["clean"]),
            "defects": sum(injected.values()),
            "by_rule": dict(sorted(injected.items())),
            "by_composition": dict(sorted(Counter(e["composition"] for e in files.values()).items())),
            "by_format": dict(sorted(Counter(e["format"] for e in files.values()).items())),
        },
        "files": files,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
                                       encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=200, help="number of files (default 200)")
    parser.add_argument("-o", "--out", type=Path, default=None,
                        help="output directory (default /tmp/jixiao-corpus-<n>-s<seed>)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="generator processes")
    args = parser.parse_args(argv)
    out = args.out or Path(f"/tmp/jixiao-corpus-{args.n}-s{args.seed}")
    if out.exists() and any(p.suffix in (".docx", ".xlsx", ".txt") for p in out.iterdir()):
        stale = [p for p in out.iterdir() if p.suffix in (".docx", ".xlsx", ".txt") or p.name == "manifest.json"]
        for p in stale:
            p.unlink()
    manifest = generate(args.n, out, args.seed, args.jobs)
    s = manifest["summary"]
    print(f"{s['files']} files in {out} ({s['clean']} clean, {s['defects']} injected defects)")
    print("formats:", s["by_format"])
    print("compositions:", s["by_composition"])
    print("defects by rule:", s["by_rule"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
