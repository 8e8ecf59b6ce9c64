//! Pairs written for this crate (not from the fixtures), in the style of county and city
//! progress tables: the completion a person would compute, or none.

use jixiao_prose::{Wording, assess};

#[test]
fn written_pairs_read_as_a_person_would() {
    let cases: &[(&str, &str, Option<f64>)] = &[
        (
            "全年新增城镇就业1.1万人，城镇登记失业率控制在3.5%以内",
            "1-11月新增城镇就业1.23万人，完成年度目标的111.8%；城镇登记失业率2.8%",
            Some(12300.0 / 11000.0),
        ),
        ("实施民生实事项目10件", "10件民生实事已全部完成", Some(1.0)),
        (
            "改造老旧小区30个，惠及居民5000户",
            "开工改造老旧小区32个，惠及居民5600余户",
            Some(32.0 / 30.0),
        ),
        (
            "完成造林绿化面积2万亩",
            "完成造林绿化面积21000亩",
            Some(1.05),
        ),
        (
            "开展文化下乡演出200场次",
            "已开展文化下乡演出156场，完成全年任务的78%",
            Some(0.78),
        ),
        (
            "为群众办实事不少于20件",
            "已为群众办实事二十三件",
            Some(1.15),
        ),
        ("建设5G基站500个", "已建成5G基站612个", Some(1.224)),
        (
            "PM2.5平均浓度控制在35微克/立方米以下",
            "PM2.5平均浓度为32微克/立方米",
            Some(35.0 / 32.0),
        ),
        (
            "人口自然增长率控制在6‰以内",
            "人口自然增长率为5.2‰",
            Some(6.0 / 5.2),
        ),
        (
            "开展安全检查不少于12次（每月1次）",
            "全年开展安全检查15次",
            Some(1.25),
        ),
        (
            "城乡居民人均可支配收入分别增长7%和8%",
            "城乡居民人均可支配收入分别增长6.8%和8.2%",
            Some(6.8 / 7.0),
        ),
        (
            "发放创业担保贷款1亿元",
            "发放创业担保贷款8500万元，完成率85%",
            Some(0.85),
        ),
        (
            "培训农村实用人才3000人次",
            "培训农村实用人才3,250人次",
            Some(3250.0 / 3000.0),
        ),
        (
            "新增城镇就业人员1.2万人",
            "新增城镇就业1.35萬人",
            Some(1.125),
        ),
        (
            "(implicit)",
            "全年完成农村危房改造1.28万户，是全年任务量的6.4倍",
            Some(6.4),
        ),
        (
            "(implicit)",
            "新建公办幼儿园16所，超过省定任务6所",
            Some(1.6),
        ),
        (
            "完成上级下达的目标任务",
            "截至11月底，完成年度任务的46%，正在加快推进",
            Some(0.46),
        ),
        (
            "深入贯彻中央八项规定精神",
            "开展专项检查3次，通报问题12个",
            None,
        ),
        ("确保3月底前完成", "已于2月28日完成", None),
        (
            "重点项目完成率达到95%",
            "重点项目完成率97%",
            Some(97.0 / 95.0),
        ),
    ];
    let mut wrong = Vec::new();
    for (target, progress, want) in cases {
        let r = assess(target, progress);
        let ok = match (r.completion, want) {
            (None, None) => true,
            (Some(c), Some(w)) => (c - w).abs() < 1e-4,
            _ => false,
        };
        if !ok {
            wrong.push(format!(
                "{target} | {progress}: {:?} ≠ {want:?}\n{r:#?}",
                r.completion
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn wording_alone_decides_only_without_a_quantity_pair() {
    let r = assess("评选“最美家庭”70户", "已完成评选工作");
    assert_eq!((r.completion, r.wording), (None, Wording::Done));
    let r = assess("通过开展活动提升能力", "活动正在推进中");
    assert_eq!(
        (r.completion, r.wording, r.qualitative),
        (None, Wording::InProgress, true)
    );
}
