//! To-do lists, completeness of a period, and search — each only within reach.

use jixiao_domain::Role;

use crate::support::*;

const TABLE: &str = " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t就业创业服务\n\t新增城镇就业500人\n\t\n\t60分\n\n\t\n\t\n\t优化营商环境\n\t企业开办时间压缩至1个工作日\n\t\n\t40分\n";

async fn arrange(db: &TestDb) -> TestServer {
    TestServer::start(two_departments(db, TABLE).await).await
}

async fn task_id(server: &TestServer, unit: &str, index: usize) -> i64 {
    let u = server.store.unit_by_name(unit).await.unwrap().unwrap();
    server
        .store
        .unit_table(1, u.id, None)
        .await
        .unwrap()
        .unwrap()
        .tasks[index]
        .id
}

#[tokio::test]
async fn to_do_lists_follow_the_workflow() {
    for db in databases().await {
        let server = arrange(&db).await;
        let reporter = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let reviewer = server.login_as("shen", Role::Reviewer, "甲部门").await;
        let todo = reporter.get("/todo").await.body;
        assert!(todo.contains("就业创业服务") && todo.contains("优化营商环境"));
        assert!(todo.contains("未填写"));
        assert!(!todo.contains("待审核"), "a reporter has no review list");

        let t0 = task_id(&server, "甲一单位", 0).await;
        let csrf = reporter.csrf().await;
        let r = reporter
            .post(
                &format!("/tasks/{t0}/report"),
                &[
                    ("csrf", &csrf),
                    ("period", "2023"),
                    ("text", "新增城镇就业520人"),
                    ("action", "submit"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let todo = reporter.get("/todo").await.body;
        assert!(
            !todo.contains("就业创业服务"),
            "{}: submitted leaves the list",
            db.backend
        );
        let review = reviewer.get("/todo").await.body;
        assert!(review.contains("待审核") && review.contains("就业创业服务"));
        assert!(
            !review.contains("优化营商环境"),
            "nothing submitted there yet"
        );

        let report = server
            .store
            .task(t0)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();
        let csrf = reviewer.csrf().await;
        let r = reviewer
            .post(
                &format!("/reports/{}/review", report.id),
                &[
                    ("csrf", &csrf),
                    ("version", &report.version.to_string()),
                    ("decision", "return"),
                    ("reason", "请附就业登记名册"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let todo = reporter.get("/todo").await.body;
        assert!(todo.contains("就业创业服务") && todo.contains("请附就业登记名册"));
        assert!(!reviewer.get("/todo").await.body.contains("就业创业服务"));

        // Another unit's reviewer sees nothing of it.
        let other = server.login_as("shen2", Role::Reviewer, "乙部门").await;
        assert!(!other.get("/todo").await.body.contains("就业创业服务"));
    }
}

#[tokio::test]
async fn completeness_counts_each_unit_in_reach() {
    for db in databases().await {
        let server = arrange(&db).await;
        let reporter = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let t0 = task_id(&server, "甲一单位", 0).await;
        let t1 = task_id(&server, "甲一单位", 1).await;
        let csrf = reporter.csrf().await;
        // A submitted report with a figure (one without would first need an explanation).
        for (task, action, text) in [
            (t0, "submit", "新增城镇就业300人"),
            (t1, "save", "进展顺利"),
        ] {
            let r = reporter
                .post(
                    &format!("/tasks/{task}/report"),
                    &[
                        ("csrf", &csrf),
                        ("period", "2023"),
                        ("text", text),
                        ("action", action),
                    ],
                )
                .await;
            assert_eq!(r.status, 303);
        }
        let admin = server.login_as("boss", Role::Admin, "市政府").await;
        let page = admin.get("/schemes/1/completeness").await;
        assert_eq!(page.status, 200);
        let body = page.body;
        let row = |unit: &str| {
            let start = body.find(&format!(">{unit}</a>")).unwrap();
            let end = body[start..].find("</tr>").unwrap() + start;
            body[start..end]
                .split("class=\"num\"")
                .skip(1)
                .map(|c| {
                    c.split('>')
                        .nth(1)
                        .unwrap()
                        .split('<')
                        .next()
                        .unwrap()
                        .to_string()
                })
                .collect::<Vec<_>>()
        };
        // tasks, reported, approved, returned, drafts, missing, late
        assert_eq!(
            row("甲一单位"),
            ["2", "1", "0", "0", "1", "0", "0"],
            "{}",
            db.backend
        );
        assert_eq!(row("乙一单位"), ["2", "0", "0", "0", "0", "2", "0"]);
        let mine = reporter.get("/schemes/1/completeness").await.body;
        assert!(
            mine.contains("甲一单位") && !mine.contains("乙一单位"),
            "only units in reach"
        );
    }
}

#[tokio::test]
async fn search_finds_two_character_words_within_reach_only() {
    for db in databases().await {
        let server = arrange(&db).await;
        let reporter = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let admin = server.login_as("boss", Role::Admin, "市政府").await;

        let hits = |html: &str| html.matches("<li>").count();
        let page = admin.get("/search?q=%E5%B0%B1%E4%B8%9A").await.body; // 就业
        assert_eq!(hits(&page), 2, "{}: both units' 就业 task", db.backend);
        assert!(page.contains("<mark class=\"q-used\">就业</mark>"));
        let page = admin.get("/search?q=%E8%90%A5%E5%95%86").await.body; // 营商
        assert_eq!(hits(&page), 2);
        let page = reporter.get("/search?q=%E8%90%A5%E5%95%86").await.body;
        assert_eq!(hits(&page), 1, "a reporter finds only its own unit's task");
        assert!(page.contains("甲一单位") && !page.contains("乙一单位"));

        // Progress text is searched too; terms are ANDed; wildcards are literal.
        let t0 = task_id(&server, "甲一单位", 0).await;
        let csrf = reporter.csrf().await;
        reporter
            .post(
                &format!("/tasks/{t0}/report"),
                &[
                    ("csrf", &csrf),
                    ("period", "2023"),
                    ("text", "举办招聘会3场"),
                    ("action", "save"),
                ],
            )
            .await;
        let page = admin
            .get("/search?q=%E6%8B%9B%E8%81%98%E4%BC%9A")
            .await
            .body; // 招聘会
        assert_eq!(hits(&page), 1);
        let page = admin
            .get("/search?q=%E5%B0%B1%E4%B8%9A+%E6%8B%9B%E8%81%98")
            .await
            .body; // 就业 招聘
        assert_eq!(hits(&page), 1);
        let page = admin.get("/search?q=%25").await.body; // %
        assert_eq!(hits(&page), 0, "% is a character, not a wildcard");
        let page = admin.get("/search?q=%3Cscript%3E").await.body;
        assert!(!page.contains("<script>") && page.contains("没有找到"));
    }
}

/// A table of 30 tasks (weights 28 × 3 + 2 × 8 = 100).
fn thirty_tasks() -> String {
    let mut t = String::from(
        " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n",
    );
    for i in 1..=30 {
        let (l1, l2) = if i == 1 {
            ("履职尽责（100分）", "重点工作")
        } else {
            ("", "")
        };
        let w = if i <= 28 { 3 } else { 8 };
        t.push_str(&format!(
            "\n\t{l1}\n\t{l2}\n\t任务{i:02}\n\t培训妇女{i}00人\n\t\n\t{w}分\n"
        ));
    }
    t
}

#[tokio::test]
async fn the_todo_lists_count_filter_sort_page_decide_in_batches_and_export() {
    for db in databases().await {
        let on = db.backend;
        let store = two_departments(&db, &thirty_tasks()).await;
        let server = TestServer::start(store.clone()).await;
        let admin = server.login_as("w_admin", Role::Admin, "市政府").await;

        // 60 tasks to report: 50 on the first page, 10 on the second.
        let first = admin.get("/todo?tab=report").await.body;
        assert!(first.contains("共 60 条 · 第 1 / 2 页"), "on {on}: {first}");
        assert_eq!(first.matches("href=\"/tasks/").count(), 50);
        assert!(first.contains("rel=\"next\""));
        let second = admin.get("/todo?tab=report&page=2").await.body;
        assert_eq!(second.matches("href=\"/tasks/").count(), 10, "on {on}");
        // Words in a unit's or a task's name; the filter survives paging.
        let found = admin.get("/todo?tab=report&q=任务07").await.body;
        assert!(found.contains("共 2 条"), "{found}");
        let one_unit = admin.get("/todo?tab=report&q=乙一").await.body;
        assert!(one_unit.contains("共 30 条"), "{one_unit}");
        let wild = admin.get("/todo?tab=report&q=%25").await.body;
        assert!(
            wild.contains("共 0 条"),
            "a % is a character, not a wildcard: {wild}"
        );
        // Sorting by unit puts 乙一 (U+4E59) before 甲一 (U+7532); by deadline, in order.
        let first_unit = |body: &str| {
            let at = body.find("data-label=\"单位\"").expect("a row");
            body[at..at + 40].contains("乙一单位")
        };
        assert!(!first_unit(&first), "甲一 first by default");
        assert!(first_unit(
            &admin.get("/todo?tab=report&sort=unit").await.body
        ));

        // Three reports submitted by 甲一; the office approves two of them in one go, and a
        // stale version fails alone.
        let reporter = server.login_as("w_rep", Role::Reporter, "甲一单位").await;
        let unit = store.unit_by_name("甲一单位").await.unwrap().unwrap();
        let table = store.unit_table(1, unit.id, None).await.unwrap().unwrap();
        let csrf = reporter.csrf().await;
        for task in &table.tasks[..3] {
            let r = reporter
                .post(
                    &format!("/tasks/{}/report", task.id),
                    &[
                        ("csrf", &csrf),
                        ("period", "2023"),
                        ("text", "已培训妇女50人"),
                        ("action", "submit"),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "{}", r.body);
        }
        let drafts = admin.get("/todo?tab=report&state=draft").await.body;
        assert!(drafts.contains("共 0 条"), "{drafts}");
        let review = admin.get("/todo?tab=review").await.body;
        assert!(review.contains("共 3 条"), "on {on}: {review}");
        let items: Vec<String> = review
            .split("name=\"item\" value=\"")
            .skip(1)
            .map(|s| s[..s.find('"').unwrap()].to_string())
            .collect();
        assert_eq!(items.len(), 3);
        let stale = format!("{}:999", items[2].split(':').next().unwrap());
        let csrf = admin.csrf().await;
        let done = admin
            .post(
                "/todo/review",
                &[
                    ("csrf", &csrf),
                    ("back", "/todo?tab=review"),
                    ("item", &items[0]),
                    ("item", &items[1]),
                    ("item", &stale),
                    ("decision", "approve"),
                ],
            )
            .await;
        assert_eq!(done.status, 303);
        let location = done.location.unwrap();
        assert!(location.ends_with("ok=2&failed=1"), "{location}");
        let after = admin.get(&location).await.body;
        assert!(after.contains("已办理 2 条；1 条未能办理"), "{after}");
        assert!(after.contains("共 1 条"), "{after}");
        let states: Vec<String> = store
            .unit_table(1, unit.id, None)
            .await
            .unwrap()
            .unwrap()
            .tasks[..3]
            .iter()
            .map(|t| t.report.as_ref().unwrap().state.clone())
            .collect();
        assert_eq!(states, ["approved", "approved", "submitted"], "on {on}");
        // A batch return needs its reason; a forged back link is not followed.
        let csrf = admin.csrf().await;
        let no_reason = admin
            .post(
                "/todo/review",
                &[("csrf", &csrf), ("item", &items[2]), ("decision", "return")],
            )
            .await;
        assert_eq!(no_reason.status, 400);
        let mut many: Vec<(&str, &str)> = vec![("csrf", &csrf), ("decision", "approve")];
        many.extend(std::iter::repeat_n(("item", stale.as_str()), 201));
        let refused = admin.post("/todo/review", &many).await;
        assert_eq!(refused.status, 400);
        assert!(
            refused.body.contains("一次最多办理 200 条"),
            "{}",
            refused.body
        );
        let away = admin
            .post(
                "/todo/review",
                &[
                    ("csrf", &csrf),
                    ("back", "//evil.example/todo?"),
                    ("item", &stale),
                    ("decision", "approve"),
                ],
            )
            .await;
        assert!(away.location.unwrap().starts_with("/todo?tab=review&"));

        // The export holds every row of the filtered list, as .xlsx.
        let (status, headers, bytes) = admin.get_bytes("/todo/export?tab=report&q=任务07").await;
        assert_eq!(status, 200);
        let kind = headers["content-type"].to_str().unwrap();
        assert!(kind.contains("spreadsheetml"), "{kind}");
        let strings = xlsx_strings(bytes);
        assert_eq!(strings.matches("任务07").count(), 1, "one shared string");
        assert!(strings.contains("甲一单位") && strings.contains("乙一单位"));
        assert!(!strings.contains("任务08"), "only the filtered rows");
    }
}

#[tokio::test]
async fn completeness_and_warnings_are_filtered_counted_and_exported() {
    // One quantified task far behind (100 of 500), one qualitative task not reported.
    const BEHIND: &str = " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t就业创业服务\n\t新增城镇就业500人\n\t新增城镇就业100人\n\t60分\n\n\t\n\t\n\t优化营商环境\n\t企业开办时间压缩至1个工作日\n\t\n\t40分\n";
    for db in databases().await {
        let server = TestServer::start(two_departments(&db, BEHIND).await).await;
        let office = server.login_as("office", Role::Admin, "市政府").await;

        let all = office.get("/schemes/1/completeness?period=2023").await.body;
        assert!(all.contains("共 2 个单位"), "{all}");
        let one = office
            .get("/schemes/1/completeness?period=2023&q=乙一&only=unreported")
            .await
            .body;
        assert!(
            one.contains("共 1 个单位") && one.contains("乙一单位"),
            "{one}"
        );
        assert!(!one.contains(">甲一单位<"), "{one}");
        let late = office
            .get("/schemes/1/completeness?period=2023&only=late")
            .await
            .body;
        assert!(late.contains("共 0 个单位"), "nothing was submitted late");
        let (status, _, bytes) = office
            .get_bytes("/schemes/1/completeness/export?period=2023&q=乙一")
            .await;
        assert_eq!(status, 200);
        let strings = xlsx_strings(bytes);
        assert!(
            strings.contains("乙一单位") && !strings.contains("甲一单位"),
            "{strings}"
        );

        let mut conn = raw_connection(&db.url).await;
        let serious: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM progress_reports WHERE status = 'seriously_lagging'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        let lagging: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM progress_reports \
             WHERE status IN ('lagging', 'seriously_lagging')",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(lagging, 2, "{}: 100 of 500 lags in both units", db.backend);
        let page = office.get("/schemes/1/warnings?period=2023").await.body;
        assert!(page.contains(&format!("共 {lagging} 项")), "{page}");
        let page = office
            .get("/schemes/1/warnings?period=2023&only=serious")
            .await
            .body;
        assert!(page.contains(&format!("共 {serious} 项")), "{page}");
        let page = office
            .get("/schemes/1/warnings?period=2023&q=%E7%94%B2%E4%B8%80")
            .await
            .body;
        assert!(
            page.contains("共 1 项") && page.contains("甲一单位"),
            "{page}"
        );
        assert!(page.contains("value=\"甲一\""), "the filter stays typed");
        let page = office
            .get("/schemes/1/warnings?period=2023&q=重点工作")
            .await
            .body;
        assert!(
            page.contains("共 2 项"),
            "an indicator's name finds its tasks: {page}"
        );
        let (status, _, bytes) = office
            .get_bytes("/schemes/1/warnings/export?period=2023&q=甲一")
            .await;
        assert_eq!(status, 200);
        let strings = xlsx_strings(bytes);
        assert!(
            strings.contains("甲一单位") && !strings.contains("乙一单位"),
            "{strings}"
        );
        assert!(strings.contains("就业创业服务"));
        // 乙一单位 submits its other task: only 甲一单位 has one left.
        let yi = server.login_as("yi1", Role::Reporter, "乙一单位").await;
        let task = task_id(&server, "乙一单位", 1).await;
        let csrf = yi.csrf().await;
        let r = yi
            .post(
                &format!("/tasks/{task}/report"),
                &[
                    ("csrf", &csrf),
                    ("period", "2023"),
                    ("text", "已压缩至1个工作日"),
                    ("action", "submit"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let order = |page: &str| {
            let (a, b) = (
                page.find(">甲一单位<").unwrap(),
                page.find(">乙一单位<").unwrap(),
            );
            if a < b {
                ["甲一", "乙一"]
            } else {
                ["乙一", "甲一"]
            }
        };
        let by_name = office.get("/schemes/1/completeness?period=2023").await.body;
        let by_unreported = office
            .get("/schemes/1/completeness?period=2023&sort=unreported")
            .await
            .body;
        assert_eq!(
            order(&by_name),
            ["乙一", "甲一"],
            "by name (乙 sorts before 甲)"
        );
        assert_eq!(
            order(&by_unreported),
            ["甲一", "乙一"],
            "the one with a task left first"
        );
        assert!(
            by_unreported.contains("sort=unreported"),
            "the pager and export keep the order"
        );

        // The ranking finds a unit by name and keeps its place.
        let all = office.get("/schemes/1/ranking?period=2023").await.body;
        let found = office
            .get("/schemes/1/ranking?period=2023&q=甲一")
            .await
            .body;
        assert!(
            found.contains(">甲一单位<") && !found.contains(">乙一单位<"),
            "{found}"
        );
        let place = |page: &str| {
            let at = page.find(">甲一单位<").unwrap();
            let row = &page[page[..at].rfind("<tr").unwrap()..at];
            row.to_string()
        };
        assert_eq!(place(&all), place(&found), "the same row, the same rank");
    }
}
