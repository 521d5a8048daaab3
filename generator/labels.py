"""Chinese labels of the codes the records and results use, in one place for every page and report."""

from __future__ import annotations

GRADE_LABELS = {
    "excellent": "优秀",
    "competent": "称职",
    "basically_competent": "基本称职",
    "incompetent": "不称职",
    "ungraded": "不定等次",
}
CATEGORY_LABELS = {"principal": "单位主要领导", "deputy": "班子副职", "staff": "一般工作人员"}
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
