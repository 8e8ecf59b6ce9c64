//! The web app through a real HTTP server: the seed's table, the weight warning, locales,
//! escaping, errors and headers.

use crate::support::*;

/// Imports a table given as text into `db` (unit = its 主管部门).
fn import_text(db: &TestDb, name: &str, text: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let out = jixiao(&db.url, &["import", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}: {}", db.backend, stderr(&out));
}

/// The first `href="/schemes/N/units/M"` link on a page.
fn unit_table_link(html: &str) -> String {
    let units = html.find("/units/").expect("a unit link");
    let start = html[..units].rfind('"').expect("an href") + 1;
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_string()
}

const SMALL: &str = " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t党的建设（60分）\n\t党建\n\t支部建设\n\t开展活动10次\n\t开展活动12次\n\t30分\n\n\t\n\t\n\t廉政教育\n\t教育2次\n\t\n\t30分\n\n\t履职尽责（40分）\n\t重点工作\n\t招商引资\n\t引进项目5个\n\t引进项目3个\n\t40分\n";

#[tokio::test]
async fn serve_demo_shows_the_seed_table_with_merged_indicator_cells() {
    for db in databases().await {
        let server = ServeProcess::start(&db.url, &["--demo"]);
        assert!(server.banner.contains("演示数据"), "{}", server.banner);
        let password = server
            .banner
            .lines()
            .find(|l| l.trim_start().starts_with("admin "))
            .and_then(|l| l.split("密码").nth(1))
            .map(|p| p.trim().to_string())
            .unwrap_or_else(|| panic!("no admin password in:\n{}", server.banner));
        let base = server.url.trim_end_matches('/').to_string();
        let mut browser = Browser::new(&base);
        let anonymous = browser.get("/").await;
        assert_eq!(anonymous.status, 303, "pages need a login");
        assert_eq!(browser.login("admin", &password).await.0, 303);
        let home = browser.get("/").await;
        assert_eq!(home.status, 200);
        let home = home.body;
        assert!(home.contains("2022年度服务高质量发展绩效考核工作任务要点完成进度情况"));

        let scheme_link = &home[home.find("href=\"/schemes/").unwrap() + 6..];
        let scheme_path: String = scheme_link.chars().take_while(|c| *c != '"').collect();
        let scheme = browser.get(&scheme_path).await.body;
        let table_path = unit_table_link(&scheme);
        let resp = browser.get(&table_path).await;
        assert_eq!(resp.status, 200, "{}", db.backend);
        let html = resp.body;

        let expected = expected_seed();
        for row in expected["rows"].as_array().unwrap() {
            let task = row["task"].as_str().unwrap();
            assert!(html.contains(task), "{}: task {task} missing", db.backend);
            let weight = format!("{}分", row["weight"].as_f64().unwrap());
            assert!(html.contains(&weight), "weight {weight} missing");
        }
        assert_eq!(html.matches("<td class=\"c-weight num\"").count(), 15);
        assert!(html.contains("class=\"num total-weight\""));
        assert!(html.contains(">400分</td>"), "total 400");
        assert_eq!(
            html.matches("围绕中心履职尽责（400分）").count(),
            1,
            "the level-1 cell appears once"
        );
        assert!(html.contains("rowspan=\"15\" data-label=\"一级指标\">围绕中心履职尽责（400分）"));
        assert!(html.contains("rowspan=\"15\" data-label=\"二级指标\">重点（职能）工作"));
        assert!(html.contains("主管部门：枣庄市妇联"));
        assert!(!html.contains("分值不一致"), "the seed's weights add up");
        drop(server);

        // A second --demo start keeps the data as it is.
        let again = ServeProcess::start(&db.url, &["--demo"]);
        assert!(again.banner.contains("未重复载入"), "{}", again.banner);
        assert!(again.banner.contains("未创建演示账户"), "{}", again.banner);
        assert!(!again.banner.contains("密码"), "passwords are printed once");
        drop(again);
        assert_eq!(db.counts().await, (1, 15), "{}", db.backend);
        let check = jixiao(&db.url, &["audit", "verify"]);
        assert!(check.status.success(), "{}: {}", db.backend, stderr(&check));
        assert!(
            stdout(&check).contains("哈希链无断裂"),
            "the demo's audit log holds"
        );
    }
}

#[tokio::test]
async fn a_table_whose_weights_do_not_add_up_shows_a_warning() {
    for db in databases().await {
        let text = SMALL.replace("\t40分", "\t35分");
        import_text(&db, "mismatch.txt", &text);
        let server = TestServer::start(db.store().await).await;
        let (status, scheme) = server.get("/schemes/1").await;
        assert_eq!(status, 200);
        assert!(scheme.contains("分值不一致"), "{}", db.backend);
        assert!(scheme.contains("指标「履职尽责（40分）」为 40 分，其下任务分值合计 35 分"));
        let (status, table) = server.get(&unit_table_link(&scheme)).await;
        assert_eq!(status, 200);
        assert!(table.contains("role=\"alert\""));
        assert!(table.contains("履职尽责（40分）」为 40 分"));
        assert!(
            !table.contains("党的建设（60分）」为"),
            "60 = 30 + 30 is fine"
        );
    }
}

#[tokio::test]
async fn the_progress_table_renders_like_the_official_layout() {
    let db = databases().await.remove(0);
    import_text(&db, "small.txt", SMALL);
    let server = TestServer::start(db.store().await).await;
    let (status, html) = server.get("/schemes/1/units/1").await;
    assert_eq!(status, 200);
    let start = html.find("<table class=\"progress\">").unwrap();
    let end = html[start..].find("</table>").unwrap() + start + "</table>".len();
    let table: String = html[start..end]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("small_progress_table", table);
}

#[tokio::test]
async fn pages_follow_the_browser_language_and_the_chosen_one() {
    let db = databases().await.remove(0);
    import_text(&db, "small.txt", SMALL);
    let server = TestServer::start(db.store().await).await;

    let (_, zh) = server.get("/schemes/1/units/1").await;
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("任务要点名称"));

    let (_, en) = server
        .get_with(
            "/schemes/1/units/1",
            &[("accept-language", "en-US,en;q=0.9")],
        )
        .await;
    assert!(en.contains("<html lang=\"en\">"), "browser language");
    assert!(en.contains(">Task</th>") && en.contains(">Progress</th>"));
    assert!(en.contains("Supervising department：测试局"));

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let switch = client
        .get(format!("{}/lang/en?next=/schemes/1", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(switch.status(), 303);
    assert_eq!(switch.headers()["location"], "/schemes/1");
    let cookie = switch.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("jixiao_lang=en;") && cookie.contains("HttpOnly"));
    let (_, chosen) = server
        .get_with(
            "/",
            &[("cookie", "jixiao_lang=en"), ("accept-language", "zh-CN")],
        )
        .await;
    assert!(
        chosen.contains("Appraisal schemes"),
        "the cookie wins over the browser"
    );

    // As sent on the wire: %09 and %0A decode to a tab and a line feed, which browsers drop
    // from a URL (`/\t/evil.example/x` is `//evil.example/x`); a CR/LF must not reach a header.
    for evil in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/%09/evil.example/x",
        "/%0A/evil.example",
        "/x%0D%0ASet-Cookie:%20a=b",
        "/%5Cevil.example",
    ] {
        for path in ["lang/zh-CN", "login"] {
            let r = client
                .get(format!("{}/{path}?next={evil}", server.base))
                .send()
                .await
                .unwrap();
            assert!(
                r.status().as_u16() < 500,
                "{path} with {evil}: {}",
                r.status()
            );
            if path.starts_with("lang") {
                assert_eq!(r.headers()["location"], "/", "no open redirect to {evil}");
            } else {
                let html = r.text().await.unwrap();
                assert!(
                    html.contains(r#"name="next" value="/">"#),
                    "the login form goes home after {evil}"
                );
            }
        }
    }
}

#[tokio::test]
async fn text_from_a_document_is_escaped_in_every_page() {
    let db = databases().await.remove(0);
    let text = SMALL
        .replace("支部建设", "<script>alert(1)</script>")
        .replace("开展活动12次", "<img src=x onerror=alert(2)>");
    import_text(&db, "xss.txt", &text);
    let server = TestServer::start(db.store().await).await;
    for path in ["/", "/schemes/1", "/schemes/1/units/1", "/tasks/1"] {
        let (status, html) = server.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<img src=x"), "{path}");
    }
    let (_, table) = server.get("/schemes/1/units/1").await;
    assert!(table.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
}

#[tokio::test]
async fn unknown_records_are_404_pages_and_health_is_reported() {
    let db = databases().await.remove(0);
    import_text(&db, "small.txt", SMALL);
    let server = TestServer::start(db.store().await).await;
    for path in [
        "/schemes/999",
        "/schemes/abc",
        "/schemes/1/units/999",
        "/schemes/1/units/1?period=2099",
        "/tasks/0",
        "/tasks/-1",
        "/no/such/page",
    ] {
        let (status, html) = server.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("找不到您要的页面或数据"), "{path}");
    }
    let (status, body) = server.get("/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));

    let resp = reqwest::get(format!("{}/", server.base)).await.unwrap();
    let h = resp.headers();
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    let css = reqwest::get(format!("{}/static/jixiao.css", server.base))
        .await
        .unwrap();
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(css.text().await.unwrap().contains("@media print"));
}

#[tokio::test]
async fn a_task_page_shows_its_target_path_and_progress() {
    let db = databases().await.remove(0);
    import_text(&db, "small.txt", SMALL);
    let server = TestServer::start(db.store().await).await;
    let (status, html) = server.get("/tasks/1").await;
    assert_eq!(status, 200);
    for s in [
        "支部建设",
        "开展活动<mark class=\"q-used\">10次</mark>",
        "开展活动<mark class=\"q-used\">12次</mark>",
        "党的建设（60分）",
        "党建",
        "30分",
        "2023年全年",
        ">120.0%</td>",
    ] {
        assert!(html.contains(s), "{s}");
    }
    let (_, unreported) = server.get("/tasks/2").await;
    assert!(unreported.contains("尚未填报"));
    let (_, table) = server.get("/schemes/1/units/1").await;
    assert!(
        table.contains("（未填报）"),
        "an empty progress cell shows as not reported"
    );
}

/// Behind HTTPS (`--secure-cookies`) every answer carries HSTS; over plain HTTP none does.
#[tokio::test]
async fn hsts_is_sent_only_when_served_behind_https() {
    for secure in [true, false] {
        let db = databases().await.remove(0);
        let config = jixiao_web::WebConfig {
            secure_cookies: secure,
            ..Default::default()
        };
        let server = TestServer::start_with(db.store().await, config).await;
        let r = reqwest::get(format!("{}/login", server.base))
            .await
            .unwrap();
        assert_eq!(
            r.headers().get("strict-transport-security").is_some(),
            secure,
            "secure cookies: {secure}"
        );
    }
}

/// The account page's title is its name: no markup, no CSRF token, no new API token (a title
/// ends up in the browser's history).
#[tokio::test]
async fn the_account_pages_title_is_only_its_name() {
    let db = databases().await.remove(0);
    let server = TestServer::start(db.store().await).await;
    let b = server
        .login_as("jia1", jixiao_domain::Role::Reporter, "甲一单位")
        .await;
    let html = b.get("/account").await.body;
    let start = html.find("<title>").expect("a title") + "<title>".len();
    let end = html[start..].find("</title>").expect("its end") + start;
    let title = &html[start..end];
    assert!(!title.contains('<') && !title.contains("&lt;"), "{title}");
    assert!(!title.contains("csrf"), "{title}");
    assert_eq!(
        html.matches("class=\"tokens\"").count(),
        1,
        "one token section"
    );
}

#[tokio::test]
async fn the_icon_is_served_and_only_printable_pages_say_how_to_print() {
    let db = databases().await.remove(0);
    import_text(&db, "small.txt", SMALL);
    let server = TestServer::start(db.store().await).await;
    let anonymous = server.anonymous();
    for path in ["/favicon.ico", "/static/favicon.svg"] {
        let r = anonymous.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(r.body.starts_with("<svg"), "{path}: {}", r.body);
    }
    let hint = "打印时自动使用 A4 横向版式";
    let login = anonymous.get("/login").await;
    assert!(login.body.contains("/static/favicon.svg"));
    assert!(
        !login.body.contains(hint),
        "no print hint on the login page"
    );
    let (_, missing) = server.get("/schemes/99").await;
    assert!(!missing.contains(hint), "nor on an error page");
    for page in ["/schemes/1/units/1", "/schemes/1/ranking"] {
        let (status, html) = server.get(page).await;
        assert_eq!(status, 200, "{page}");
        assert!(html.contains(hint), "{page} is printed");
    }
}

#[tokio::test]
async fn the_ranking_dashboard_and_warnings_say_their_period_and_pick_another_keeping_the_rest() {
    const TABLE: &str = " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t技能培训\n\t培训妇女1000人\n\t已培训妇女300人\n\t100分\n";
    let db = databases().await.remove(0);
    let store = two_departments(&db, TABLE).await;
    let server = TestServer::start(store).await;
    let admin = server
        .login_as("p_admin", jixiao_domain::Role::Admin, "市政府")
        .await;
    let csrf = admin.csrf().await;
    let added = admin
        .post("/schemes/1/periods", &[("csrf", &csrf), ("code", "2023Q3")])
        .await;
    assert_eq!(added.status, 303);
    for path in [
        "/schemes/1/ranking",
        "/schemes/1/dashboard",
        "/schemes/1/warnings",
    ] {
        let body = admin
            .get(&format!("{path}?period=2023Q3&basis=provisional"))
            .await
            .body;
        let opening = format!("<form method=\"get\" action=\"{path}\" class=\"period-pick");
        let form = &body[body
            .find(&opening)
            .unwrap_or_else(|| panic!("{path} has a period selector sending to itself"))..];
        let form = &form[..form.find("</form>").unwrap()];
        assert!(
            form.contains("value=\"2023Q3\" selected"),
            "{path} says which period it shows: {form}"
        );
        assert!(form.contains("value=\"2023\""), "and offers the others");
        assert!(
            form.contains("name=\"basis\" value=\"provisional\""),
            "{path} keeps its 口径: {form}"
        );
    }
}

#[tokio::test]
async fn deactivating_and_resetting_an_account_ask_for_a_second_click_that_says_what_happens() {
    let db = databases().await.remove(0);
    let server = TestServer::start(db.store().await).await;
    server
        .add_user("someone", jixiao_domain::Role::Reporter, "甲一单位")
        .await;
    let sysadmin = server
        .login_as("sys", jixiao_domain::Role::SystemAdmin, "市政府")
        .await;
    let page = sysadmin.get("/admin").await.body;
    for (button, says) in [
        ("deactivate", "停用 someone？"),
        ("reset", "重置 someone 的密码？"),
    ] {
        let at = page
            .find(&format!("name=\"action\" value=\"{button}\""))
            .unwrap_or_else(|| panic!("a {button} button: {page}"));
        let before = &page[..at];
        let opened = before
            .rfind("<details class=\"confirm\">")
            .expect("inside a confirmation");
        assert!(
            !before[opened..].contains("</details>"),
            "the {button} button is inside the confirmation, not beside it"
        );
        assert!(before[opened..].contains(says), "{}", &before[opened..]);
    }
}

#[tokio::test]
async fn a_password_the_office_reset_must_be_changed_first_and_the_policy_holds() {
    for db in databases().await {
        let on = db.backend;
        let server = TestServer::start(db.store().await).await;
        let user = server
            .add_user("lisi", jixiao_domain::Role::Reporter, "甲一单位")
            .await;
        let mut elsewhere = server.anonymous();
        assert_eq!(elsewhere.login("lisi", PASSWORD).await.0, 303);
        let admin = server
            .login_as("q_admin", jixiao_domain::Role::SystemAdmin, "市政府")
            .await;
        let csrf = admin.csrf().await;
        let reset = admin
            .post(
                &format!("/admin/users/{user}"),
                &[("csrf", &csrf), ("action", "reset")],
            )
            .await;
        let shown = &reset.body[reset
            .body
            .find("只显示这一次）：")
            .expect("the new password")..];
        let given: String = shown["只显示这一次）：".len()..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        assert_eq!(given.len(), 14, "on {on}");

        // Logged in with the office's password, everything leads to the account page.
        let mut b = server.anonymous();
        assert_eq!(b.login("lisi", &given).await.0, 303);
        let todo = b.get("/todo").await;
        assert_eq!(
            (todo.status, todo.location.as_deref()),
            (303, Some("/account"))
        );
        assert!(b.get("/account").await.body.contains("请先修改密码"));
        let api = b.get("/api/v1/schemes").await;
        assert_eq!(api.status, 403, "nor through the API with the cookie");
        assert!(
            api.body.contains("password_change_required"),
            "{}",
            api.body
        );

        let change = |current: &str, new: &str, repeat: &str| {
            let (current, new, repeat) = (current.to_string(), new.to_string(), repeat.to_string());
            let b = &b;
            async move {
                let csrf = b.csrf().await;
                b.post(
                    "/account/password",
                    &[
                        ("csrf", &csrf),
                        ("current", &current),
                        ("new", &new),
                        ("repeat", &repeat),
                    ],
                )
                .await
            }
        };
        let cases = [
            (
                "wrong-Password-1",
                "Lake-Tai-2024x",
                "Lake-Tai-2024x",
                "当前密码不正确",
            ),
            (given.as_str(), "abcdefghij12", "abcdefghij12", "至少三种"),
            (
                given.as_str(),
                "Lisi-2024-lake",
                "Lisi-2024-lake",
                "包含用户名",
            ),
            (given.as_str(), "Lake-Tai-2024x", "Lake-Tai-2024y", "不一致"),
        ];
        for (current, new, repeat, says) in cases {
            let r = change(current, new, repeat).await;
            assert_eq!(r.status, 422, "{new} on {on}");
            assert!(r.body.contains(says), "{says}: {}", r.body);
            assert!(
                !r.body.contains(new),
                "a password typed is never shown again"
            );
        }
        let ok = change(&given, "Lake-Tai-2024x", "Lake-Tai-2024x").await;
        assert_eq!(
            (ok.status, ok.location.as_deref()),
            (303, Some("/account?done=password")),
            "on {on}: {}",
            ok.body
        );
        assert_eq!(b.get("/todo").await.status, 200, "free to work now");
        let mut again = server.anonymous();
        assert_eq!(again.login("lisi", "Lake-Tai-2024x").await.0, 303);
        assert_eq!(again.get("/todo").await.status, 200);
        assert_eq!(
            elsewhere.get("/todo").await.status,
            303,
            "the session from before the reset is gone"
        );
        // Guessing the current password from a session counts like failed logins.
        for _ in 0..5 {
            let r = change("Wrong-guess-2024", "Other-Lake-2025", "Other-Lake-2025").await;
            assert!(r.body.contains("当前密码不正确"), "{}", r.body);
        }
        let locked = change("Lake-Tai-2024x", "Other-Lake-2025", "Other-Lake-2025").await;
        assert_eq!(locked.status, 422);
        assert!(locked.body.contains("锁定"), "on {on}: {}", locked.body);
    }
}

#[tokio::test]
async fn the_audit_log_reads_in_words_and_beijing_time_with_the_code_beside() {
    let db = databases().await.remove(0);
    let server = TestServer::start(db.store().await).await;
    server
        .add_user("wangwu", jixiao_domain::Role::Reporter, "甲一单位")
        .await;
    let auditor = server
        .login_as("shenji", jixiao_domain::Role::Auditor, "市政府")
        .await;
    let page = auditor.get("/admin/audit").await;
    let (status, page) = (page.status, page.body);
    assert_eq!(status, 200);
    assert!(page.contains("新建账户"), "{page}");
    assert!(
        page.contains("user.create"),
        "the code stays beside the words"
    );
    // Every time cell reads like 2026-12-03 22:15 (Beijing), never an RFC 3339 UTC stamp.
    let times: Vec<&str> = page
        .split("data-label=\"时间\">")
        .skip(1)
        .map(|rest| &rest[..rest.find('<').unwrap()])
        .collect();
    assert!(!times.is_empty());
    for at in times {
        let shape: String = at
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect();
        assert_eq!(shape, "9999-99-99 99:99", "{at}");
    }
}

#[tokio::test]
async fn the_trend_joins_periods_of_one_kind_and_a_whole_year_through_its_quarters() {
    const TABLE: &str = " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t技能培训\n\t培训妇女1000人\n\t已培训妇女300人\n\t100分\n";
    let db = databases().await.remove(0);
    let store = two_departments(&db, TABLE).await;
    for code in ["2023Q1", "2023Q2", "2023Q3", "2023Q4"] {
        store
            .set_period(&jixiao_store::Actor::cli(), 1, code.parse().unwrap(), None)
            .await
            .unwrap();
    }
    let server = TestServer::start(store).await;
    // The trend is the dashboard's third chart: its period labels, in order.
    let trend_labels = |page: &str| -> Vec<String> {
        let svg = page.split("<svg").nth(3).expect("three charts");
        svg.split("class=\"chart-label\">")
            .skip(1)
            .map(|rest| rest[..rest.find('<').unwrap()].to_string())
            .filter(|l| l.starts_with("2023"))
            .collect()
    };
    let quarters = [
        "2023年第1季度",
        "2023年第2季度",
        "2023年第3季度",
        "2023年第4季度",
    ];
    let (_, q2) = server.get("/schemes/1/dashboard?period=2023Q2").await;
    assert_eq!(
        trend_labels(&q2),
        quarters,
        "quarters with quarters, the year apart"
    );
    let (_, year) = server.get("/schemes/1/dashboard?period=2023").await;
    assert_eq!(
        trend_labels(&year),
        quarters,
        "the whole year, shown alone, is drawn through its quarters"
    );
    assert!(
        year.contains("2023年全年"),
        "the page still says which period it shows"
    );
}

#[tokio::test]
async fn an_expired_password_must_be_changed_first_and_none_of_the_last_five_comes_back() {
    for db in databases().await {
        let on = db.backend;
        let server = TestServer::start_with(
            db.store().await,
            jixiao_web::WebConfig {
                password_max_age: Some(std::time::Duration::from_secs(90 * 86_400)),
                ..jixiao_web::WebConfig::default()
            },
        )
        .await;
        let user = server
            .add_user("zhaoliu", jixiao_domain::Role::Reporter, "甲一单位")
            .await;
        let mut b = server.anonymous();
        assert_eq!(b.login("zhaoliu", PASSWORD).await.0, 303);
        assert_eq!(b.get("/todo").await.status, 200, "{on}: a fresh password");

        // A hundred days later the password has expired: everything leads to the account page.
        let long_ago = (chrono::Utc::now() - chrono::Duration::days(100))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut conn = raw_connection(&db.url).await;
        sqlx::query("UPDATE users SET password_changed_at = $1 WHERE id = $2")
            .bind(&long_ago)
            .bind(user)
            .execute(&mut conn)
            .await
            .unwrap();
        let todo = b.get("/todo").await;
        assert_eq!(
            (todo.status, todo.location.as_deref()),
            (303, Some("/account")),
            "{on}"
        );
        assert!(b.get("/account").await.body.contains("超过规定的使用期限"));

        let change = |current: String, new: String| {
            let b = &b;
            async move {
                let csrf = b.csrf().await;
                b.post(
                    "/account/password",
                    &[
                        ("csrf", csrf.as_str()),
                        ("current", current.as_str()),
                        ("new", new.as_str()),
                        ("repeat", new.as_str()),
                    ],
                )
                .await
            }
        };
        let next = |i: usize| format!("Qingtian#{i}2025x");
        let r = change(PASSWORD.to_string(), next(1)).await;
        assert_eq!(r.status, 303, "{on}: {}", r.body);
        assert_eq!(
            b.get("/todo").await.status,
            200,
            "a new password, a new age"
        );

        // The password just replaced cannot come back, nor any of the last five …
        let r = change(next(1), PASSWORD.to_string()).await;
        assert_eq!(r.status, 422, "{on}");
        assert!(r.body.contains("最近 5 次"), "{}", r.body);
        for i in 2..=6 {
            let r = change(next(i - 1), next(i)).await;
            assert_eq!(r.status, 303, "{on}: change {i}: {}", r.body);
        }
        let r = change(next(6), next(2)).await;
        assert_eq!(r.status, 422, "the fifth before is still remembered");
        // … while the sixth before may.
        let r = change(next(6), PASSWORD.to_string()).await;
        assert_eq!(r.status, 303, "{on}: {}", r.body);
    }
}
