//! The office's scoring setup through the web app: adjustment rules with their caps, veto items,
//! overrides with reasons, rules per task, the tolerance and grade table, and copying a scheme
//! into the next year. Figures are checked by hand in the comments.

use jixiao_domain::Role;

use crate::support::*;

pub(crate) fn table(done: &str) -> String {
    format!(
        " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t技能培训\n\t培训妇女1000人\n\t已培训妇女{done}人\n\t100分\n"
    )
}

/// Posts a form with the browser's CSRF token; returns the status and body.
async fn send(b: &Browser, path: &str, fields: &[(&str, &str)]) -> Page {
    let csrf = b.csrf().await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    b.post(path, &form).await
}

fn ranking(url: &str) -> Vec<(String, u64, f64)> {
    let out = jixiao(url, &["rank", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["unit"].as_str().unwrap().to_string(),
                r["rank"].as_u64().unwrap(),
                r["total"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_three_unit_scheme_ranks_with_capped_adjustments_and_a_veto_entered_on_the_web() {
    for db in databases().await {
        let dir = tempfile::tempdir().unwrap();
        // 甲 50% → 50 points; 乙 150% and 丙 100% → 100 (the weight caps the proportion).
        for (unit, done) in [("甲单位", "500"), ("乙单位", "1500"), ("丙单位", "1000")] {
            let path = dir.path().join(format!("{unit}.txt"));
            std::fs::write(&path, table(done)).unwrap();
            let out = jixiao(&db.url, &["import", path.to_str().unwrap(), "--unit", unit]);
            assert!(out.status.success(), "{}", stderr(&out));
        }
        let server = TestServer::start(db.store().await).await;
        let store = server.store.clone();
        let admin = server.login_as("office", Role::Admin, "市政府").await;
        let unit = |name: &'static str| {
            let store = store.clone();
            async move { store.unit_by_name(name).await.unwrap().unwrap().id }
        };
        let (jia, yi, bing) = (
            unit("甲单位").await,
            unit("乙单位").await,
            unit("丙单位").await,
        );

        // The scheme's rules: 表彰加分 counts at most 3; 安全扣分 stops at 5 (扣完为止);
        // 重大事故 caps the total at 60 and takes the unit out of contention.
        for (name, add, ded) in [("表彰加分", "3", ""), ("安全扣分", "", "5")] {
            let r = send(
                &admin,
                "/schemes/1/adjustment-rules",
                &[
                    ("name", name),
                    ("max_addition", add),
                    ("max_deduction", ded),
                ],
            )
            .await;
            assert_eq!(r.status, 303, "{}", r.body);
        }
        let r = send(
            &admin,
            "/schemes/1/veto-items",
            &[("name", "重大事故"), ("effect", "cap"), ("cap", "60")],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let dup = send(
            &admin,
            "/schemes/1/adjustment-rules",
            &[("name", "表彰加分")],
        )
        .await;
        assert_eq!(dup.status, 400, "a rule name is unique in its scheme");
        assert!(dup.body.contains("表彰加分"));
        let settings = admin.get("/schemes/1/settings").await;
        assert!(
            settings.body.contains("表彰加分") && settings.body.contains("总分最高计（分） 60")
        );

        let rules = store.adjustment_rules(1).await.unwrap();
        let (praise, safety) = (rules[0].id.to_string(), rules[1].id.to_string());
        let item = store.veto_items(1).await.unwrap()[0].id.to_string();
        let adjust = |unit: i64, rule: &str, kind: &'static str, amount: &'static str| {
            let (admin, rule) = (&admin, rule.to_string());
            async move {
                let r = send(
                    admin,
                    &format!("/schemes/1/units/{unit}/adjustments"),
                    &[
                        ("rule", &rule),
                        ("kind", kind),
                        ("amount", amount),
                        ("reason", "市委通报"),
                    ],
                )
                .await;
                assert_eq!(r.status, 303, "{}", r.body);
            }
        };
        // 甲: +2 +2 = 4 under 表彰加分, counted 3 → 50 + 3 = 53.
        adjust(jia, &praise, "add", "2").await;
        adjust(jia, &praise, "add", "2").await;
        // 乙: −4 −3 = 7 under 安全扣分, stops at 5 → 100 − 5 = 95.
        adjust(yi, &safety, "deduct", "4").await;
        adjust(yi, &safety, "deduct", "3").await;
        // 丙: 100, vetoed: at most 60, and ranked after every unit without a veto.
        let r = send(
            &admin,
            &format!("/schemes/1/units/{bing}/vetoes"),
            &[("item", &item), ("reason", "2023年6月发生较大事故")],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);

        let got = ranking(&db.url);
        assert_eq!(
            got,
            [
                ("乙单位".to_string(), 1, 95.0),
                ("甲单位".to_string(), 2, 53.0),
                ("丙单位".to_string(), 3, 60.0),
            ],
            "{}",
            db.backend
        );

        let page = admin.get("/schemes/1/ranking").await.body;
        assert!(page.contains("class=\"veto-note\">一票否决</span>"));
        let (_, _, csv) = admin.get_bytes("/schemes/1/ranking/export/csv").await;
        let csv = String::from_utf8(csv).unwrap();
        assert!(
            csv.contains("3,3,丙单位,未分类,60.00,1,0,一票否决"),
            "{csv}"
        );

        // The drill-down shows each entry and the caps that applied.
        let page = admin.get(&format!("/schemes/1/units/{jia}/score")).await;
        assert!(
            page.body.contains("加分合计4.00分，最高计3分，按3分计"),
            "{}",
            page.body
        );
        assert!(page.body.contains("总分53.00分"));
        let page = admin.get(&format!("/schemes/1/units/{yi}/score")).await;
        assert!(
            page.body
                .contains("扣分合计7.00分，扣完为止（5分），按5分计")
        );
        let page = admin.get(&format!("/schemes/1/units/{bing}/score")).await;
        assert!(page.body.contains("一票否决（重大事故）：总分最高计60分"));
        assert!(page.body.contains("2023年6月发生较大事故"));

        // Bad entries are refused and change nothing.
        for (fields, why) in [
            (
                vec![
                    ("rule", praise.as_str()),
                    ("kind", "add"),
                    ("amount", "1"),
                    ("reason", " "),
                ],
                "a reason is required",
            ),
            (
                vec![
                    ("rule", praise.as_str()),
                    ("kind", "add"),
                    ("amount", "-1"),
                    ("reason", "x"),
                ],
                "the amount is positive; the kind gives the sign",
            ),
            (
                vec![
                    ("rule", praise.as_str()),
                    ("kind", "add"),
                    ("amount", "三分"),
                    ("reason", "x"),
                ],
                "a number",
            ),
        ] {
            let r = send(
                &admin,
                &format!("/schemes/1/units/{jia}/adjustments"),
                &fields,
            )
            .await;
            assert_eq!(r.status, 400, "{why}");
        }
        assert_eq!(ranking(&db.url)[1].2, 53.0, "nothing was entered");

        // Only the office enters them; a reviewer of the unit is refused.
        let reviewer = server.login_as("rev", Role::Reviewer, "乙单位").await;
        let r = send(
            &reviewer,
            &format!("/schemes/1/units/{yi}/adjustments"),
            &[
                ("rule", &praise),
                ("kind", "add"),
                ("amount", "1"),
                ("reason", "x"),
            ],
        )
        .await;
        assert_eq!(r.status, 403);
        assert!(
            !reviewer
                .get(&format!("/schemes/1/units/{yi}/score"))
                .await
                .body
                .contains("/adjustments\"")
        );

        // Withdrawing the −3 leaves −4 under the cap: 乙 96. The audit log keeps both.
        let withdrawn = store
            .scheme_adjustments(1)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.unit_id == yi && a.amount == -3.0)
            .unwrap();
        let r = send(
            &admin,
            &format!("/adjustments/{}/delete", withdrawn.id),
            &[],
        )
        .await;
        assert_eq!(r.status, 303);
        assert_eq!(ranking(&db.url)[0], ("乙单位".to_string(), 1, 96.0));
        let auditor = server.login_as("shenji", Role::Auditor, "市政府").await;
        let audit = auditor.get("/admin/audit").await.body;
        assert!(audit.contains("adjustment.delete") && audit.contains("veto.add"));
    }
}

#[tokio::test]
async fn an_override_needs_a_reason_and_a_manual_rule_takes_the_reviewers_points() {
    for db in databases().await {
        let out = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let server = TestServer::start(db.store().await).await;
        let store = server.store.clone();
        let admin = server.login_as("office", Role::Admin, "市政府").await;
        let t = store.unit_table(1, 1, None).await.unwrap().unwrap();
        let task = |name: &str| t.tasks.iter().find(|x| x.name == name).unwrap().clone();
        let care = task("妇女儿童关爱服务工作");
        let total = || async {
            let out = jixiao(&db.url, &["score", "--json"]);
            let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
            v[0]["result"]["total"].as_f64().unwrap()
        };
        assert_eq!(total().await, 134.83);

        // No reason, or more than the weight (25): refused, nothing changes.
        let path = format!("/tasks/{}/override", care.id);
        for (points, reason) in [("20", ""), ("30", "核实后调整")] {
            let r = send(
                &admin,
                &path,
                &[
                    ("period", "2022"),
                    ("points", points),
                    ("reason", reason),
                    ("action", "set"),
                ],
            )
            .await;
            assert_eq!(r.status, 400, "{points} {reason:?}");
        }
        assert_eq!(total().await, 134.83);
        // 134.83 − 4.83 + 20 = 150.
        let r = send(
            &admin,
            &path,
            &[
                ("period", "2022"),
                ("points", "20"),
                ("reason", "现场核查后认定"),
                ("action", "set"),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(total().await, 150.0, "{}", db.backend);
        let page = admin.get(&format!("/tasks/{}", care.id)).await.body;
        assert!(
            page.contains("现场核查后认定") && page.contains("class=\"final-score\">20.00</dd>")
        );
        let reviewer = server.login_as("shen", Role::Reviewer, "枣庄市妇联").await;
        let r = send(
            &reviewer,
            &path,
            &[
                ("period", "2022"),
                ("points", "25"),
                ("reason", "x"),
                ("action", "set"),
            ],
        )
        .await;
        assert_eq!(r.status, 403, "only the office overrides");
        let r = send(&admin, &path, &[("period", "2022"), ("action", "clear")]).await;
        assert_eq!(r.status, 303);
        assert_eq!(total().await, 134.83);

        // A grade is for graded tasks only: 妇女儿童关爱服务工作 scores from its completion.
        let care_report = care.report.clone().unwrap();
        let r = send(
            &reviewer,
            &format!("/reports/{}/grade", care_report.id),
            &[
                ("version", &care_report.version.to_string()),
                ("grade", "优秀"),
            ],
        )
        .await;
        assert_eq!(r.status, 400, "no grade on a proportional task");

        // 巾帼工业企业服务工作 (30 points, qualitative) scored by hand: the reviewer's 27 counts.
        let ent = task("巾帼工业企业服务工作");
        let r = send(
            &admin,
            &format!("/tasks/{}/rule", ent.id),
            &[("rule", "manual")],
        )
        .await;
        assert_eq!(r.status, 303);
        let page = reviewer.get(&format!("/tasks/{}", ent.id)).await.body;
        assert!(page.contains("人工评分") && page.contains("name=\"points\""));
        let report = store.unit_table(1, 1, None).await.unwrap().unwrap();
        let report = report
            .tasks
            .iter()
            .find(|x| x.id == ent.id)
            .unwrap()
            .report
            .clone()
            .unwrap();
        let grade = format!("/reports/{}/grade", report.id);
        let version = report.version.to_string();
        let r = send(
            &reviewer,
            &grade,
            &[("version", &version), ("points", "31")],
        )
        .await;
        assert_eq!(r.status, 400, "above the weight");
        let r = send(
            &reviewer,
            &grade,
            &[("version", &version), ("points", "27")],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(total().await, 161.83, "134.83 + 27");
        // Back to the default (graded): no grade yet, so it waits again.
        let r = send(&admin, &format!("/tasks/{}/rule", ent.id), &[("rule", "")]).await;
        assert_eq!(r.status, 303);
        assert_eq!(total().await, 134.83);
        let r = send(
            &admin,
            &format!("/tasks/{}/rule", ent.id),
            &[("rule", "bogus")],
        )
        .await;
        assert_eq!(r.status, 400);
    }
}

#[tokio::test]
async fn the_tolerance_recomputes_statuses_and_the_grade_table_changes_grade_scores() {
    for db in databases().await {
        let out = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let server = TestServer::start(db.store().await).await;
        let store = server.store.clone();
        let admin = server.login_as("office", Role::Admin, "市政府").await;
        let warnings = admin.get("/schemes/1/warnings").await.body;
        assert!(
            warnings.contains("妇女儿童关爱服务工作"),
            "19.33% at year end lags seriously"
        );

        let settings = |tolerance: &'static str, good: &'static str| {
            let admin = &admin;
            async move {
                send(
                    admin,
                    "/schemes/1/settings",
                    &[
                        ("tolerance", tolerance),
                        ("excellent", "100"),
                        ("good", good),
                        ("fair", "70"),
                        ("poor", "50"),
                    ],
                )
                .await
            }
        };
        // 良好 above 优秀 breaks the table's order; 120% is no percentage.
        assert_eq!(settings("10", "101").await.status, 400);
        assert_eq!(settings("120", "85").await.status, 400);
        // A tolerance of 81%: 19.33% ≥ 100% − 81% = 19%, so the task is on track now.
        let r = settings("81", "80").await;
        assert_eq!(r.status, 303, "{}", r.body);
        let warnings = admin.get("/schemes/1/warnings").await.body;
        assert!(!warnings.contains("妇女儿童关爱服务工作"), "{}", db.backend);
        let t = store.unit_table(1, 1, None).await.unwrap().unwrap();
        let care = t
            .tasks
            .iter()
            .find(|x| x.name == "妇女儿童关爱服务工作")
            .unwrap();
        assert_eq!(
            care.report.as_ref().unwrap().status.as_deref(),
            Some("on_track")
        );
        assert_eq!(t.scheme.tolerance, 0.81);

        // 良好 is now worth 80%: 30 × 80% = 24 (not 25.5).
        let ent = t
            .tasks
            .iter()
            .find(|x| x.name == "巾帼工业企业服务工作")
            .unwrap();
        let report = ent.report.clone().unwrap();
        let reviewer = server.login_as("shen", Role::Reviewer, "枣庄市妇联").await;
        let page = reviewer.get(&format!("/tasks/{}", ent.id)).await.body;
        assert!(
            page.contains("良好 80%"),
            "the form states the scheme's table"
        );
        let r = send(
            &reviewer,
            &format!("/reports/{}/grade", report.id),
            &[("version", &report.version.to_string()), ("grade", "良好")],
        )
        .await;
        assert_eq!(r.status, 303);
        let (_, table) = server.get("/schemes/1/units/1").await;
        assert!(
            table.contains("data-label=\"得分\">158.83</td>"),
            "134.83 + 24"
        );
    }
}

#[tokio::test]
async fn a_scheme_copied_into_the_next_year_keeps_its_tasks_and_rules_without_progress() {
    for db in databases().await {
        let out = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let server = TestServer::start(db.store().await).await;
        let store = server.store.clone();
        let admin = server.login_as("office", Role::Admin, "市政府").await;
        let t = store.unit_table(1, 1, None).await.unwrap().unwrap();
        let ent = t
            .tasks
            .iter()
            .find(|x| x.name == "巾帼工业企业服务工作")
            .unwrap();
        send(
            &admin,
            &format!("/tasks/{}/rule", ent.id),
            &[("rule", "manual")],
        )
        .await;
        send(
            &admin,
            "/schemes/1/adjustment-rules",
            &[("name", "表彰加分"), ("max_addition", "3")],
        )
        .await;
        let before = store.unit_table(1, 1, None).await.unwrap().unwrap();

        let settings = admin.get("/schemes/1/settings").await.body;
        let title = input_value(&settings, "title").expect("the form proposes a title");
        assert!(
            title.contains("2023"),
            "the year in the title moves on: {title}"
        );
        let r = send(
            &admin,
            "/schemes/1/copy",
            &[("title", &title), ("year", "2023")],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let again = send(
            &admin,
            "/schemes/1/copy",
            &[("title", &title), ("year", "2023")],
        )
        .await;
        assert_eq!(again.status, 400, "the title is taken");

        let schemes = store.list_schemes().await.unwrap();
        let new = schemes.iter().find(|s| s.title == title).unwrap();
        assert_eq!(
            (new.year, new.units, new.tasks),
            (2023, 1, 15),
            "{}",
            db.backend
        );
        let copy = store.unit_table(new.id, 1, None).await.unwrap().unwrap();
        assert_eq!(
            copy.periods
                .iter()
                .map(|p| p.code.as_str())
                .collect::<Vec<_>>(),
            ["2023"]
        );
        assert!(copy.tasks.iter().all(|t| t.report.is_none()), "no progress");
        let names = |t: &jixiao_store::UnitTable| {
            t.tasks
                .iter()
                .map(|x| (x.name.clone(), x.weight, x.target.clone(), x.rule.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&copy),
            names(&before),
            "tasks, weights, targets and rules"
        );
        assert_eq!(copy.indicators.len(), before.indicators.len());
        assert_eq!(
            store.adjustment_rules(new.id).await.unwrap()[0].max_addition,
            Some(3.0)
        );
        // The old year is untouched.
        let old = store.unit_table(1, 1, None).await.unwrap().unwrap();
        assert_eq!(old, before);
        let page = admin.get(&format!("/schemes/{}/units/1", new.id)).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("巾帼工业企业服务工作"));
    }
}
