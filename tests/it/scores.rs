//! Scores and ranking: the seed's quantified tasks score from their completions, qualitative
//! ones wait for a grade, and the total follows a reviewer's grading.

use jixiao_domain::Role;

use crate::support::*;

#[tokio::test]
async fn the_seed_scores_from_its_readings_and_a_grade_updates_the_total() {
    for db in databases().await {
        let out = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));

        let out = jixiao(&db.url, &["score", "--json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let result = &v[0]["result"];
        assert_eq!(
            result["total"], 134.83,
            "{}: 30 + 25 × 4 + 4.83",
            db.backend
        );
        let text = stdout(&out);
        assert!(
            text.contains("分值25 × 完成率19.33% = 4.83分"),
            "the explanation is there"
        );

        let server = TestServer::start(db.store().await).await;
        let reviewer = server.login_as("shen", Role::Reviewer, "枣庄市妇联").await;
        let (_, table) = server.get("/schemes/1/units/1").await;
        assert!(table.contains(">4.83</td>") && table.contains(">待评</td>"));
        assert!(table.contains("class=\"num total-score\" data-label=\"得分\">134.83</td>"));

        // The reviewer grades a qualitative task 良好: 85% of its 30 points.
        let store = &server.store;
        let unit = store.unit_by_name("枣庄市妇联").await.unwrap().unwrap();
        let t = store.unit_table(1, unit.id, None).await.unwrap().unwrap();
        let task = t
            .tasks
            .iter()
            .find(|t| t.name == "巾帼工业企业服务工作")
            .unwrap();
        let report = task.report.clone().unwrap();
        let csrf = reviewer.csrf().await;
        let r = reviewer
            .post(
                &format!("/reports/{}/grade", report.id),
                &[
                    ("csrf", &csrf),
                    ("version", &report.version.to_string()),
                    ("grade", "良好"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let (_, table) = server.get("/schemes/1/units/1").await;
        assert!(table.contains(">25.5</td>"), "{}", db.backend);
        assert!(
            table.contains("data-label=\"得分\">160.33</td>"),
            "the total follows"
        );

        let rank = jixiao(&db.url, &["rank", "--json"]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&rank)).unwrap();
        assert_eq!(v[0]["rank"], 1);
        assert_eq!(v[0]["total"], 160.33);
        let page = reviewer.get("/schemes/1/ranking").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(">160.33</a></td>") && page.body.contains("枣庄市妇联"));

        let reporter = server.login_as("tian", Role::Reporter, "枣庄市妇联").await;
        let csrf = reporter.csrf().await;
        let r = reporter
            .post(
                &format!("/reports/{}/grade", report.id),
                &[("csrf", &csrf), ("version", "1"), ("grade", "优秀")],
            )
            .await;
        assert_eq!(r.status, 403, "a reporter does not grade");
    }
}

#[test]
fn ranking_orders_units_by_total_then_mean_completion() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("r.db").display());
    let table = |done: &str| {
        format!(
            " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t技能培训\n\t培训妇女1000人\n\t已培训妇女{done}人\n\t100分\n"
        )
    };
    for (unit, done) in [("甲单位", "500"), ("乙单位", "1500"), ("丙单位", "1000")] {
        let path = dir.path().join(format!("{unit}.txt"));
        std::fs::write(&path, table(done)).unwrap();
        let out = jixiao(&url, &["import", path.to_str().unwrap(), "--unit", unit]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = jixiao(&url, &["rank", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let order: Vec<(&str, u64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["unit"].as_str().unwrap(), r["rank"].as_u64().unwrap()))
        .collect();
    // 乙 and 丙 both reach the 100-point cap; 乙's higher completion (150%) breaks the tie.
    assert_eq!(order, [("乙单位", 1), ("丙单位", 2), ("甲单位", 3)]);

    // The ranking table as the office files it.
    for format in ["docx", "xlsx", "csv", "html"] {
        let file = dir.path().join(format!("rank.{format}"));
        let out = jixiao(
            &url,
            &["rank", "--format", format, "-o", file.to_str().unwrap()],
        );
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        assert!(stdout(&out).contains("3 个单位"));
    }
    let csv = std::fs::read_to_string(dir.path().join("rank.csv")).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{FEFF}').lines().collect();
    assert_eq!(
        lines[0],
        "名次,类内名次,单位,单位类型,总分,平均完成率,待评项,备注"
    );
    assert!(
        lines[1].starts_with("1,1,乙单位,未分类,100,1.5"),
        "{}",
        lines[1]
    );
    let bad = jixiao(
        &url,
        &[
            "rank",
            "--format",
            "pdf",
            "-o",
            dir.path().join("r.pdf").to_str().unwrap(),
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("docx、xlsx、csv、html"),
        "{}",
        stderr(&bad)
    );
}

#[tokio::test]
async fn the_ranking_page_offers_its_table_within_reach() {
    let db = databases().await.remove(0);
    let out = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
    assert!(out.status.success());
    let server = TestServer::start(db.store().await).await;
    let (_, page) = server.get("/schemes/1/ranking").await;
    assert!(page.contains("/schemes/1/ranking/export/xlsx?period=2022"));
    let admin = server.login_as("boss", Role::Admin, "市政府").await;
    let (status, headers, bytes) = admin.get_bytes("/schemes/1/ranking/export/csv").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(String::from_utf8(bytes).unwrap().contains("枣庄市妇联"));
    assert_eq!(
        admin.get_bytes("/schemes/1/ranking/export/docx").await.0,
        200
    );
    assert_eq!(
        admin.get_bytes("/schemes/1/ranking/export/pdf").await.0,
        404
    );
    let outsider = server.login_as("other", Role::Reporter, "别的单位").await;
    assert_eq!(
        outsider.get_bytes("/schemes/1/ranking/export/csv").await.0,
        404
    );
    assert_eq!(outsider.get("/schemes/1/ranking").await.status, 404);
}

#[tokio::test]
async fn the_drill_down_explains_each_figure_and_warnings_list_lagging_tasks() {
    for db in databases().await {
        let out = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let server = TestServer::start(db.store().await).await;
        let (status, page) = server.get("/schemes/1/units/1/score").await;
        assert_eq!(status, 200);
        assert!(
            page.contains("得分反查") && page.contains("134.83"),
            "{}",
            db.backend
        );
        assert!(page.contains("分值25 × 完成率19.33% = 4.83分"));
        assert!(page.contains("围绕中心履职尽责（400分）"));

        let (status, page) = server.get("/schemes/1/warnings").await;
        assert_eq!(status, 200);
        assert!(page.contains("妇女儿童关爱服务工作") && page.contains("严重滞后"));
        assert!(page.contains("19.3%") && page.contains("枣庄市妇联"));
        assert!(
            !page.contains("妇女技能培训工作"),
            "a completed task is no warning"
        );

        let outsider = server.login_as("other", Role::Reporter, "别的单位").await;
        assert_eq!(outsider.get("/schemes/1/units/1/score").await.status, 404);
        assert!(
            !outsider
                .get("/schemes/1/warnings")
                .await
                .body
                .contains("妇女儿童关爱服务工作")
        );
    }
}

#[tokio::test]
async fn the_dashboard_draws_labelled_svg_charts_within_reach() {
    for db in databases().await {
        let out = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let server = TestServer::start(db.store().await).await;
        let (status, page) = server.get("/schemes/1/dashboard").await;
        assert_eq!(status, 200, "{}", db.backend);
        assert_eq!(page.matches("<svg ").count(), 3);
        for label in [
            "<title>任务状态分布</title>",
            "<title>各一级指标平均完成率</title>",
            "<title>平均完成率与时间进度</title>",
        ] {
            assert!(page.contains(label), "{label}");
        }
        assert!(page.contains(">严重滞后</text>") && page.contains(">待评估</text>"));
        // Seven tasks wait for a reviewer (待评估) in the seed.
        assert!(
            page.contains("class=\"bar s-needs_review\"/><text"),
            "a bar per status"
        );
        assert!(!page.contains("<script"), "no script");
        let outsider = server.login_as("other", Role::Reporter, "别的单位").await;
        assert_eq!(outsider.get("/schemes/1/dashboard").await.status, 404);
    }
}
