"""Chinese labels of the codes the records and results use, in one place for every page,
report, workbook and message."""

from __future__ import annotations

GRADE_LABELS = {
    "excellent": "优秀",
    "competent": "称职",
    "basically_competent": "基本称职",
    "incompetent": "不称职",
    "ungraded": "不定等次",
}
PENDING_LABEL = "待定（同分待考核委员会研究决定）"
CATEGORY_LABELS = {"principal": "单位主要领导", "deputy": "班子副职", "staff": "一般工作人员"}
CATEGORY_ORDER = ("principal", "deputy", "staff")
UNIT_KINDS = {"township": "乡镇", "department": "县直机关", "institution": "事业单位"}
OUTCOME_LABELS = {
    "no_change": "不作调整",
    "transfer": "交流（调离）",
    "professional_post": "改任专业技术岗位",
    "non_leadership_post": "改任非领导职务",
    "early_retirement": "提前退休",
    "resignation": "引咎辞职",
    "removal": "免职",
    "demotion": "降职",
    "dismissal": "辞退",
}
# A4-A7: what each consequence of a grade is called.
CONSEQUENCE_LABELS = {
    "reserve_priority": "后备干部调整、组织推荐和选拔任用时同等条件下优先考虑",
    "admonishment_talk": "诫勉谈话",
    "no_promotion": "不得晋升职务",
    "bonus_cancelled": "取消年度考核奖金",
    "demotion": "降低一个职级层次任职",
    "trial": "试岗",
    "dismissal": "按有关规定和程序予以辞退",
}
# F6: where a case stands.
STAGE_LABELS = {
    "verification": "核实情况",
    "proposal": "提出初步方案",
    "decided": "已作出会议决定",
    "under_review": "复核中",
    "under_appeal": "申诉中",
    "closed": "程序终结",
}
STEP_LABELS = {"review": "复核", "appeal": "申诉"}
STEP_RESULTS = {"upheld": "维持原决定", "changed": "变更处理方式"}
INCIDENT_KINDS = {
    "situation": "不胜任现职情形",
    "banned_behaviour": "工作时间禁止行为",
    "assignment": "交办事项推诿扯皮或办理不当",
    "conduct_investigation": "被上级作风办查处",
}
PROBATION_LABELS = {"probation": "试用期", "trial": "试岗"}
POSTING_KINDS = {
    "appraisal": "年度考核",
    "points": "月度积分",
    "selection": "竞争上岗",
    "decision": "干部调整",
}
VOTE_OUTCOMES = {
    "elected": "选出",
    "tie": "票数相同，另行投票",
    "no_majority": "得票未过半数，另行投票",
    "no_quorum": "到会人数不足，另行投票",
}
# A2: the rater groups of the democratic evaluation and the votes they cast.
RATER_GROUPS = {
    "own_unit": "本单位",
    "superiors": "上级领导",
    "related_units": "相关单位",
    "service_recipients": "服务对象",
}
VOTE_LABELS = {
    "raters": "参评人数",
    "excellent": "优秀",
    "competent": "称职",
    "basically_competent": "基本称职",
    "incompetent": "不称职",
}
UNGRADED_REASONS = {
    "under_investigation": "正在接受调查",
    "short_tenure": "在岗不足半年",
    "other": "其他",
}
# Internal alerts (never posted): what each asks of the organization department.
ALERT_LABELS = {
    "retirement_due": "即将到龄退休",
    "retirement_overdue": "已到龄仍在岗",
    "term_ending": "任期即将届满",
    "term_expired": "任期已届满",
    "assessment_due": "试用期或试岗即将期满",
    "assessment_overdue": "试用期或试岗期满未记录考核结果",
    "restricted": "限制期满后可晋升",
    "tie_needs_decision": "同分待考核委员会研究",
    "demotion_needs_decision": "降低职务层次待研究",
    "review_overdue": "复核逾期未作决定",
    "appeal_overdue": "申诉逾期未作决定",
    "case_in_progress": "调整程序进行中",
    "situation_without_case": "发现不胜任情形未启动程序",
    "accountability_threshold": "党政主要负责人应引咎辞职",
    "round_needed": "竞争上岗需另行投票",
    "team_short": "片线双向选择后缺人",
    "placement_by_unit": "待单位统筹安排岗位",
    "findings_by_channel": "发现途径统计",
}
STATUS_LABELS = {
    "active": "在职",
    "suspended": "待岗",
    "retired": "退休",
    "dismissed": "辞退",
    "left": "调出或离职",
}
GENDER_LABELS = {"male": "男", "female": "女"}
EMPLOYMENT_LABELS = {"cadre": "干部", "worker": "工人"}
