//! Scores and ranking: the seed's quantified tasks score from their completions, qualitative
//! ones wait for a grade, and the total follows a reviewer's grading.

use jixiao_domain::{Basis, Role};

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
        // Tasks are objects, like every other JSON output.
        let task = &result["indicators"][0]["children"][0]["tasks"][0];
        assert!(task["name"].is_string(), "{task}");
        assert!(task["final_score"].is_object(), "{task}");
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
        assert!(table.contains(">25.50</td>"), "{}", db.backend);
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
    for format in ["docx", "xlsx", "csv", "html", "pdf"] {
        if format == "pdf" && !pdf_tools() {
            continue;
        }
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
        lines[1].starts_with("1,1,乙单位,未分类,100.00,1.5"),
        "{}",
        lines[1]
    );
    let bad = jixiao(
        &url,
        &[
            "rank",
            "--format",
            "txt",
            "-o",
            dir.path().join("r.txt").to_str().unwrap(),
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("docx、xlsx、pdf、csv、html"),
        "{}",
        stderr(&bad)
    );
}

/// A CJK font for the PDF; without one (a developer's machine) the PDF is left out, and
/// `JIXIAO_REQUIRE_OFFICE=1` (CI) makes its absence a failure.
fn pdf_tools() -> bool {
    match jixiao_pdf::FontSet::system() {
        Ok(_) => true,
        Err(e) => {
            assert!(
                std::env::var("JIXIAO_REQUIRE_OFFICE").as_deref() != Ok("1"),
                "JIXIAO_REQUIRE_OFFICE=1 but {e}"
            );
            eprintln!("note: the ranking's PDF is not checked here: {e}");
            false
        }
    }
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
    if pdf_tools() {
        let (status, headers, bytes) = admin.get_bytes("/schemes/1/ranking/export/pdf").await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "application/pdf");
        assert!(bytes.starts_with(b"%PDF-"));
    }
    assert_eq!(
        admin.get_bytes("/schemes/1/ranking/export/txt").await.0,
        404,
        "no ranking layout in the seed's text format"
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

/// What a fresh scoring of every unit's table says, without the stored summaries.
async fn fresh(
    store: &jixiao_store::Store,
    scheme: i64,
) -> Vec<(i64, jixiao_app::scores::UnitSummary)> {
    let scoring = jixiao_app::scores::SchemeScoring::load(store, scheme)
        .await
        .unwrap();
    let units: Vec<i64> = store
        .scheme_units(scheme)
        .await
        .unwrap()
        .iter()
        .map(|u| u.unit_id)
        .collect();
    store
        .unit_tables(scheme, None, &units)
        .await
        .unwrap()
        .iter()
        .map(|t| {
            (
                t.unit.id,
                jixiao_app::scores::UnitSummary::of(&scoring, t).unwrap(),
            )
        })
        .collect()
}

/// After each kind of write that can move a score, the summaries the ranking reads (stored,
/// or recomputed because a write raised their mark) equal a fresh scoring of the tables, and
/// the scheme's stored sums (the dashboard's) equal the sum of them. A write that forgot its
/// mark leaves the old summary and fails here.
#[tokio::test]
async fn stored_summaries_follow_every_kind_of_write() {
    use jixiao_app::scores::{PeriodSummary, period_summary, summaries};
    use jixiao_store::{
        Actor, Decision, NewVetoEffect, ReportDraft, SchemeSettings, StoredReading,
    };
    for db in databases().await {
        let done = |n: &str| {
            format!(
                " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t技能培训\n\t培训妇女1000人\n\t已培训妇女{n}人\n\t60分\n\t履职尽责（100分）\n\t重点工作\n\t作风建设\n\t加强作风建设\n\t开展作风建设活动\n\t40分\n"
            )
        };
        // Imported for review: the reviewer's decisions below are writes too.
        let store = two_departments_with(&db, &done("500"), &["--for-review"]).await;
        let by = Actor::cli();
        let scheme = 1;
        let unit = store.unit_by_name("甲一单位").await.unwrap().unwrap().id;
        let table = store.unit_table(scheme, unit, None).await.unwrap().unwrap();
        let period = store.periods(scheme).await.unwrap().last().unwrap().id;
        let quantified = table.tasks[0].clone();
        let graded = table.tasks[1].clone();
        let check = |what: &'static str| {
            let store = store.clone();
            let backend = db.backend;
            async move {
                // Twice: the first may compute and store, the second reads what was stored.
                for _ in 0..2 {
                    let stored = summaries(&store, scheme, None, None, Basis::Official)
                        .await
                        .unwrap();
                    let fresh = fresh(&store, scheme).await;
                    assert_eq!(stored, fresh, "{backend}: after {what}");
                    let mut sum = PeriodSummary {
                        format: jixiao_app::scores::SUMMARY_FORMAT.to_string(),
                        ..PeriodSummary::default()
                    };
                    for (_, u) in &fresh {
                        sum.add_unit(u);
                        // One mean completion: the ranking's tie-break is the dashboard's mean.
                        for b in [Basis::Official, Basis::Provisional] {
                            let u = u.basis(b);
                            let (total, n) = u.completions;
                            let dashboard = (n > 0).then(|| total / n as f64);
                            assert_eq!(
                                u.mean_completion.map(|m| (m * 1e9).round()),
                                dashboard.map(|m| (m * 1e9).round()),
                                "{backend}: {b:?} after {what}"
                            );
                        }
                    }
                    let kept = period_summary(&store, scheme, None, None, Basis::Official)
                        .await
                        .unwrap();
                    assert_eq!(kept, sum, "{backend}: the scheme's sums after {what}");
                }
            }
        };
        check("the import").await;
        let first = summaries(&store, scheme, None, None, Basis::Official)
            .await
            .unwrap();
        assert_eq!(first.len(), 2);
        // Nothing reviewed yet: no official score; the provisional one is 60 × 50%.
        assert_eq!(first[0].1.total, 0.0, "{first:?}");
        assert_eq!(first[0].1.awaiting_review, 2);
        assert!(
            (first[0].1.basis(Basis::Provisional).total - 30.0).abs() < 1e-9,
            "60 × 50%: {first:?}"
        );

        let report = quantified.report.clone().unwrap();
        // The default chain: one step, with no 考核主体 named.
        let one_step = jixiao_domain::ReviewChain::default()
            .next(false, 0)
            .unwrap();
        let report = store
            .review_report(
                &by,
                report.id,
                report.version,
                &Decision::Return {
                    reason: "请补充数据".into(),
                },
                &one_step,
            )
            .await
            .unwrap();
        check("a return").await;
        let saved = store
            .save_report(
                &by,
                &ReportDraft {
                    task_id: quantified.id,
                    period_id: period,
                    text: "已培训妇女800人".into(),
                    self_score: Some(50.0),
                    expected_version: Some(report.version),
                    reading: Some(StoredReading {
                        json: "{}".into(),
                        completion: Some(0.8),
                        status: Some("on_track".into()),
                        flags: String::new(),
                    }),
                    note: None,
                },
            )
            .await
            .unwrap();
        check("a saved report").await;
        let submitted = store
            .submit_report(&by, saved.id, saved.version)
            .await
            .unwrap();
        check("a submission").await;
        let verified = store
            .verify_report(
                &by,
                saved.id,
                submitted.version,
                Some(0.9),
                "核实",
                "on_track",
            )
            .await
            .unwrap();
        check("a verified completion").await;
        store
            .review_report(
                &by,
                saved.id,
                verified.version,
                &Decision::Approve,
                &one_step,
            )
            .await
            .unwrap();
        check("an approval").await;

        let g = graded.report.clone().unwrap();
        store
            .grade_report(&by, g.id, g.version, Some("良好"), None)
            .await
            .unwrap();
        check("a grade").await;
        store
            .set_task_rule(&by, quantified.id, Some("all_or_nothing"))
            .await
            .unwrap();
        check("a task's rule").await;
        store
            .set_override(&by, graded.id, period, Some((10.0, "复核调整")))
            .await
            .unwrap();
        check("an override").await;
        let rule = store
            .add_adjustment_rule(&by, scheme, "加分项", Some(3.0), None)
            .await
            .unwrap();
        check("an adjustment rule").await;
        let adj = store
            .add_adjustment(&by, scheme, unit, rule, 5.0, "获省级表彰")
            .await
            .unwrap();
        check("an adjustment").await;
        store.delete_adjustment(&by, adj).await.unwrap();
        check("a withdrawn adjustment").await;
        let item = store
            .add_veto_item(&by, scheme, "安全事故", &NewVetoEffect::Cap(60.0))
            .await
            .unwrap();
        check("a veto item").await;
        let veto = store
            .add_veto(&by, scheme, unit, item, "发生安全事故")
            .await
            .unwrap();
        check("a veto").await;
        let vetoed = summaries(&store, scheme, None, None, Basis::Official)
            .await
            .unwrap();
        assert!(vetoed.iter().any(|(u, s)| *u == unit && s.vetoed));
        store.delete_veto(&by, veto).await.unwrap();
        check("a withdrawn veto").await;
        store
            .set_scheme_settings(
                &by,
                scheme,
                &SchemeSettings {
                    tolerance: 0.2,
                    grades: [100, 90, 70, 50],
                    completion_bound: 3.0,
                },
                |_, _| Some("lagging".into()),
            )
            .await
            .unwrap();
        check("the scheme's settings").await;
        let kind = store.add_unit_type(&by, "区县").await.unwrap();
        store.set_unit_kind(&by, unit, "区县").await.unwrap();
        check("a unit's type").await;
        store.rename_unit_type(&by, kind, "县区").await.unwrap();
        check("a unit type's new name").await;
        store.rename_unit_type(&by, kind, "区县").await.unwrap();
        let after = summaries(&store, scheme, None, None, Basis::Official)
            .await
            .unwrap();
        assert!(
            after
                .iter()
                .any(|(u, s)| *u == unit && s.unit_type == "区县")
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.txt");
        std::fs::write(&path, done("1000")).unwrap();
        let out = jixiao(
            &db.url,
            &[
                "import",
                path.to_str().unwrap(),
                "--unit",
                "乙一单位",
                "--replace",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        check("a replacing import").await;

        // A new latest period: the pages' default period moves to it.
        let next: jixiao_domain::Period = "2024".parse().unwrap();
        store.set_period(&by, scheme, next, None).await.unwrap();
        check("a new period").await;

        // A body another release wrote is scored again, whatever its stamp.
        let mut conn = raw_connection(&db.url).await;
        sqlx::query("UPDATE unit_summaries SET body = REPLACE(body, $1, '\"format\":\"0.0.0/0\"')")
            .bind(format!(
                "\"format\":\"{}\"",
                jixiao_app::scores::SUMMARY_FORMAT
            ))
            .execute(&mut conn)
            .await
            .unwrap();
        let stored = summaries(&store, scheme, None, None, Basis::Official)
            .await
            .unwrap();
        assert!(
            stored
                .iter()
                .all(|(_, s)| s.format == jixiao_app::scores::SUMMARY_FORMAT),
            "{}",
            db.backend
        );
        check("a body of another release").await;
    }
}

/// The background refresh recomputes what a scheme-wide change made stale, once, and only on
/// the instance that holds the lease; another instance waits until the lease runs out.
#[tokio::test]
async fn the_background_refresh_recomputes_stale_summaries_under_one_lease() {
    use jixiao_app::refresh::{LEASE, Refresher};
    use jixiao_store::{Actor, SchemeSettings};
    for db in databases().await {
        let store = two_departments(&db, &crate::setup::table("500")).await;
        let periods = store.periods(1).await.unwrap().len();
        let mut first = Refresher::new(store.clone(), "甲".into()).at_least(1);
        let mut second = Refresher::new(store.clone(), "乙".into()).at_least(1);
        assert_eq!(
            first.round().await.unwrap(),
            Some(2 * periods),
            "{}: every unit and period at first",
            db.backend
        );
        assert_eq!(second.round().await.unwrap(), None, "the lease is 甲's");
        assert_eq!(first.round().await.unwrap(), Some(0), "nothing went stale");

        store
            .set_scheme_settings(
                &Actor::cli(),
                1,
                &SchemeSettings {
                    tolerance: 0.2,
                    grades: [100, 85, 70, 50],
                    completion_bound: 3.0,
                },
                |_, _| None,
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .stale_units(1, &store.periods(1).await.unwrap()[0].code)
                .await
                .unwrap()
                .len(),
            2,
            "a new tolerance makes every unit stale"
        );
        assert_eq!(first.round().await.unwrap(), Some(2 * periods));
        let version = store.scheme_version(1).await.unwrap();
        for p in store.periods(1).await.unwrap() {
            assert!(
                store
                    .scheme_summary(1, &p.code, version)
                    .await
                    .unwrap()
                    .is_some(),
                "the dashboard's sums of {} are ready",
                p.code
            );
        }
        assert!(
            store
                .stale_units(1, &store.periods(1).await.unwrap()[0].code)
                .await
                .unwrap()
                .is_empty()
        );

        // A lease that ran out goes to whoever asks next.
        assert!(!store.try_lease(LEASE, "乙", 60).await.unwrap());
        assert!(
            store.try_lease(LEASE, "甲", -1).await.unwrap(),
            "甲 lets it lapse"
        );
        assert!(
            store.try_lease(LEASE, "乙", 60).await.unwrap(),
            "{}",
            db.backend
        );
        assert_eq!(first.round().await.unwrap(), None);
        assert_eq!(second.round().await.unwrap(), Some(0));

        // By default a few stale summaries are left to the requests that need them, and a
        // quiet round still leaves none behind (the dashboard's sums score them).
        let unit = store.unit_by_name("甲一单位").await.unwrap().unwrap().id;
        let rule = store
            .add_adjustment_rule(&Actor::cli(), 1, "加分项", None, None)
            .await
            .unwrap();
        store
            .add_adjustment(&Actor::cli(), 1, unit, rule, 1.0, "表彰")
            .await
            .unwrap();
        let mut default = Refresher::new(store.clone(), "乙".into());
        assert_eq!(default.round().await.unwrap(), Some(0), "{}", db.backend);
        for p in store.periods(1).await.unwrap() {
            assert!(store.stale_units(1, &p.code).await.unwrap().is_empty());
        }
    }
}

#[tokio::test]
async fn the_drill_down_explains_in_english_when_the_reader_chose_english() {
    for db in databases().await {
        let out = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let server = TestServer::start(db.store().await).await;
        let en = [("cookie", "jixiao_lang=en")];
        let reader = server.login_as("office", Role::Admin, "考核办").await;
        let page = reader.get_with("/schemes/1/units/1/score", &en).await;
        assert_eq!(page.status, 200);
        let body = page.body;
        assert!(
            body.contains("Proportional: weight 25 × completion 19.33% = 4.83 pts"),
            "{}: {body}",
            db.backend
        );
        assert!(body.contains("Level-1 indicators total") && body.contains("Qualitative task"));
        for zh in ["按比例计分", "下级合计", "一级指标合计", "定性任务", "总分"]
        {
            assert!(!body.contains(zh), "{zh} left in Chinese");
        }
        // The task page's scoring lines too; Chinese readers keep theirs.
        let task = reader.get_with("/tasks/2", &en).await.body;
        assert!(
            !task.contains("自评：") && task.contains("Self-assessment: "),
            "{task}"
        );
        let zh = reader.get("/schemes/1/units/1/score").await.body;
        assert!(zh.contains("分值25 × 完成率19.33% = 4.83分"));
    }
}

#[tokio::test]
async fn every_page_export_and_text_prints_a_score_with_two_decimals() {
    for db in databases().await {
        let out = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        // The seed's 134.83 = 30 + 25 × 4 + 4.83: whole scores print as 30.00 and 25.00.
        let server = TestServer::start(db.store().await).await;
        let (_, table) = server.get("/schemes/1/units/1").await;
        assert!(
            table.contains(">30.00</td>") && table.contains(">4.83</td>"),
            "{}",
            db.backend
        );
        assert!(!table.contains(">30</td>"), "no score without its decimals");
        let (_, drill) = server.get("/schemes/1/units/1/score").await;
        assert!(drill.contains(">30.00<") && drill.contains("134.83"));
        let (_, ranking) = server.get("/schemes/1/ranking").await;
        assert!(ranking.contains("134.83"));
        // The CLI's text too (the ranking's exports: ranking_orders_units_by_total_then_mean_completion).
        let text = stdout(&jixiao(&db.url, &["score"]));
        assert!(
            text.contains("总分 134.83") && text.contains("：30.00"),
            "{text}"
        );
        // JSON keeps numbers numeric.
        let json = stdout(&jixiao(&db.url, &["score", "--json"]));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v[0]["result"]["total"], 134.83);
    }
}
