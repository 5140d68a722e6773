"""What both event families say alike of the organs (机关单位): the categories (序列) the notice
lists them by. The visits family registers organs under these; the appraisal family ranks its
target organs within them."""

ORGAN_CATEGORIES = {
    "party_committee": "党委系统机关", "people_congress": "人大机关", "cppcc": "政协机关", "court": "法院",
    "procuratorate": "检察院", "mass_organisation": "群团机关", "government": "政府部门(单位)",
    "stationed": "中央、省驻赣单位",
}
