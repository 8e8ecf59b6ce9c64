//! `jixiao demo --units N --tasks-per-unit M --periods P [--seed S]`: a synthetic province
//! for trying the app and measuring it at scale.
//!
//! The province: 东海省人民政府 → cities → the city's own departments and its counties → the
//! counties' departments, each department typed 党群部门 / 政府部门 / 事业单位. One scheme with
//! four level-1 indicators (1000 points) and ten level-2 ones; each assessed unit gets M tasks
//! with realistic targets ("培训妇女1000人", "新增就业岗位2.5万个", "完成重点项目投资12亿元"
//! and qualitative ones) and, for each period of the year, a progress report in prose that the
//! prose reader reads as the import does. Every value comes from a small PRNG seeded per unit
//! from `--seed`, so the same arguments give the same data, however it is chunked.
//!
//! Writing goes through `jixiao_store::BulkLoad` (multi-row inserts, large transactions).
//! Not done here: no file is read, no account exists unless `--accounts` asks for some.

use anyhow::Context;
use jixiao_domain::{Period, PeriodKind, Role, Year};
use jixiao_store::{
    Actor, NewIndicator, NewReport, NewScheme, NewTask, NewUnit, NewUser, StoredReading,
};
use std::process::ExitCode;
use std::time::Instant;

use crate::cli::DemoArgs;

/// Assessed units generated per round of writing.
const UNITS_PER_ROUND: usize = 100;
/// Rows after which the bulk load commits.
const ROWS_PER_COMMIT: usize = 50_000;

pub async fn run(db: &str, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let plan = Plan::from_args(&args)?;
    let store = super::open_store(db).await?;
    if !store.list_schemes().await?.is_empty() {
        anyhow::bail!("数据库中已有考核方案：jixiao demo 只写入空数据库（用 --db 换一个新文件）");
    }
    let started = Instant::now();
    let mut load = store.bulk_load().await?;

    let scheme = plan.scheme();
    let ids = load.scheme(&scheme).await?;
    let leaf_ids: Vec<i64> = LEAVES.iter().map(|l| ids.indicator_ids[l.index]).collect();

    // The structure above the assessed units: the province, its cities and counties.
    let province = load
        .units(&[NewUnit {
            name: format!("{PROVINCE}人民政府"),
            parent_id: None,
            kind: String::new(),
        }])
        .await?[0];
    let n_areas = plan.units.div_ceil(DEPARTMENTS.len());
    let n_cities = n_areas.div_ceil(AREAS_PER_CITY);
    let cities: Vec<NewUnit> = (0..n_cities)
        .map(|c| NewUnit {
            name: format!("{}人民政府", city_name(c)),
            parent_id: Some(province),
            kind: String::new(),
        })
        .collect();
    let city_ids = load.units(&cities).await?;
    let counties: Vec<NewUnit> = (0..n_areas)
        .filter(|a| !a.is_multiple_of(AREAS_PER_CITY))
        .map(|a| NewUnit {
            name: format!("{}人民政府", area_name(a)),
            parent_id: Some(city_ids[a / AREAS_PER_CITY]),
            kind: String::new(),
        })
        .collect();
    let county_ids = load.units(&counties).await?;
    let area_id = |a: usize| {
        if a.is_multiple_of(AREAS_PER_CITY) {
            city_ids[a / AREAS_PER_CITY]
        } else {
            county_ids[a - a / AREAS_PER_CITY - 1]
        }
    };

    let bar = indicatif::ProgressBar::new(plan.units as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} 个单位 {msg} [{elapsed}]")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut n_tasks = 0usize;
    let mut n_reports = 0usize;
    let mut first_units: Vec<i64> = Vec::new();
    let mut start = 0;
    while start < plan.units {
        let end = (start + UNITS_PER_ROUND).min(plan.units);
        let units: Vec<NewUnit> = (start..end)
            .map(|i| NewUnit {
                name: unit_name(i),
                parent_id: Some(area_id(i / DEPARTMENTS.len())),
                kind: DEPARTMENTS[i % DEPARTMENTS.len()].1.to_string(),
            })
            .collect();
        let unit_ids = load.units(&units).await?;
        if first_units.len() < plan.accounts {
            first_units.extend(unit_ids.iter().take(plan.accounts - first_units.len()));
        }
        let enrol: Vec<(i64, String)> = (start..end)
            .zip(&unit_ids)
            .map(|(i, id)| (*id, area_name(i / DEPARTMENTS.len())))
            .collect();
        load.scheme_units(ids.scheme_id, &enrol).await?;

        let generated: Vec<UnitData> = (start..end).map(|i| plan.unit(i)).collect();
        let tasks: Vec<NewTask> = generated
            .iter()
            .zip(&unit_ids)
            .flat_map(|(g, unit_id)| {
                g.tasks.iter().enumerate().map(|(j, t)| NewTask {
                    indicator_id: leaf_ids[t.leaf],
                    unit_id: *unit_id,
                    name: t.name.clone(),
                    target: t.target.clone(),
                    weight: t.weight,
                    position: j as i64 + 1,
                })
            })
            .collect();
        let task_ids = load.tasks(ids.scheme_id, &tasks).await?;
        let mut task_ids = task_ids.into_iter();
        let mut reports = Vec::new();
        for g in &generated {
            for t in &g.tasks {
                let task_id = task_ids.next().context("任务编号缺失")?;
                for r in &t.reports {
                    reports.push(NewReport {
                        task_id,
                        period_id: ids.period_ids[r.period],
                        text: r.text.clone(),
                        state: r.state,
                        reading: Some(r.reading.clone()),
                        self_score: r.self_score,
                    });
                }
            }
        }
        load.reports(&reports).await?;
        n_tasks += tasks.len();
        n_reports += reports.len();
        if load.pending_rows() >= ROWS_PER_COMMIT {
            load.checkpoint().await?;
        }
        bar.set_position(end as u64);
        bar.set_message(format!("{n_reports} 份报告"));
        start = end;
    }
    let summary = serde_json::json!({
        "scheme_id": ids.scheme_id, "title": scheme.title, "seed": plan.seed,
        "units": plan.units, "tasks": n_tasks, "periods": scheme.periods.len(),
        "reports": n_reports,
    });
    load.finish(&Actor::cli(), &summary).await?;
    bar.finish_and_clear();

    outln!(
        "已生成演示省份「{}」：被考核单位 {} 个，任务 {} 项，填报周期 {} 个，进度报告 {} 份（用时 {:.1} 秒）",
        scheme.title,
        plan.units,
        n_tasks,
        scheme.periods.len(),
        n_reports,
        started.elapsed().as_secs_f64()
    );
    // Every period's summaries, so that the first ranking or dashboard after the load reads
    // them instead of scoring the whole province while someone waits.
    let scored = std::time::Instant::now();
    for (code, _) in &scheme.periods {
        jixiao_app::scores::period_summary(
            &store,
            ids.scheme_id,
            Some(code),
            None,
            jixiao_domain::Basis::Official,
        )
        .await?;
    }
    outln!(
        "已计算各单位各周期的得分汇总（用时 {:.1} 秒）",
        scored.elapsed().as_secs_f64()
    );
    if plan.accounts > 0 {
        create_accounts(&store, province, &first_units).await?;
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// An admin at the province and a reporter (`r00001` …) for each of the first units, all with
/// one password: from `JIXIAO_PASSWORD`, or generated and printed once. One hash serves every
/// account (demo data only).
async fn create_accounts(
    store: &jixiao_store::Store,
    province: i64,
    units: &[i64],
) -> anyhow::Result<()> {
    let (password, generated) = match std::env::var("JIXIAO_PASSWORD") {
        Ok(p) if !p.is_empty() => (p, false),
        _ => (
            jixiao_app::secrets::new_password().map_err(|e| anyhow::anyhow!("{e}"))?,
            true,
        ),
    };
    let hash = jixiao_app::secrets::hash_password(password.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let by = Actor::cli();
    let mut accounts = vec![(
        "admin".to_string(),
        "考核办管理员".to_string(),
        Role::Admin,
        province,
    )];
    for (i, unit_id) in units.iter().enumerate() {
        accounts.push((
            format!("r{:05}", i + 1),
            format!("填报员{}", i + 1),
            Role::Reporter,
            *unit_id,
        ));
    }
    for (username, display_name, role, unit_id) in &accounts {
        store
            .create_user(
                &by,
                &NewUser {
                    username: username.clone(),
                    display_name: display_name.clone(),
                    password_hash: hash.clone(),
                    role: *role,
                    unit_id: *unit_id,
                    must_change_password: false,
                },
            )
            .await
            .with_context(|| format!("无法创建演示账户 {username}"))?;
    }
    outln!(
        "演示账户：admin（考核办）和 r00001–r{:05}（前 {} 个单位的填报员）",
        units.len(),
        units.len()
    );
    if generated {
        outln!("  密码（只显示这一次）：{password}");
    } else {
        outln!("  密码：取自 JIXIAO_PASSWORD");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The plan: what the arguments ask for, and the generator of each unit's data.

const PROVINCE: &str = "东海省";
/// A city's own departments, then its counties' (11 counties a city).
const AREAS_PER_CITY: usize = 12;

/// Department names and their type; every area (city or county) has each of them.
const DEPARTMENTS: &[(&str, &str)] = &[
    ("纪委监委", "党群部门"),
    ("组织部", "党群部门"),
    ("宣传部", "党群部门"),
    ("统战部", "党群部门"),
    ("政法委", "党群部门"),
    ("妇联", "党群部门"),
    ("团委", "党群部门"),
    ("总工会", "党群部门"),
    ("科协", "党群部门"),
    ("残联", "党群部门"),
    ("发展改革委", "政府部门"),
    ("教育局", "政府部门"),
    ("科技局", "政府部门"),
    ("工业和信息化局", "政府部门"),
    ("公安局", "政府部门"),
    ("民政局", "政府部门"),
    ("司法局", "政府部门"),
    ("财政局", "政府部门"),
    ("人力资源社会保障局", "政府部门"),
    ("自然资源局", "政府部门"),
    ("生态环境局", "政府部门"),
    ("住房城乡建设局", "政府部门"),
    ("交通运输局", "政府部门"),
    ("水利局", "政府部门"),
    ("农业农村局", "政府部门"),
    ("商务局", "政府部门"),
    ("文化和旅游局", "政府部门"),
    ("卫生健康委", "政府部门"),
    ("退役军人事务局", "政府部门"),
    ("应急管理局", "政府部门"),
    ("审计局", "政府部门"),
    ("市场监管局", "政府部门"),
    ("统计局", "政府部门"),
    ("医保局", "政府部门"),
    ("行政审批服务局", "政府部门"),
    ("林业局", "政府部门"),
    ("信访局", "政府部门"),
    ("融媒体中心", "事业单位"),
    ("档案馆", "事业单位"),
    ("党校", "事业单位"),
    ("疾病预防控制中心", "事业单位"),
    ("公共资源交易中心", "事业单位"),
    ("大数据中心", "事业单位"),
    ("农业技术推广中心", "事业单位"),
    ("住房公积金管理中心", "事业单位"),
    ("机关事务服务中心", "事业单位"),
    ("社会保险事业中心", "事业单位"),
    ("公共就业服务中心", "事业单位"),
    ("检验检测中心", "事业单位"),
    ("供销合作社", "事业单位"),
];

const CITY_FIRST: [&str; 20] = [
    "东", "西", "南", "北", "青", "云", "安", "平", "兴", "宁", "永", "长", "新", "临", "清", "泰",
    "华", "嘉", "昌", "和",
];
const CITY_SECOND: [&str; 16] = [
    "阳", "川", "州", "山", "江", "河", "原", "城", "海", "林", "水", "丰", "德", "远", "康", "湖",
];
const COUNTIES: [&str; AREAS_PER_CITY - 1] = [
    "石桥县",
    "柳河县",
    "梅岭县",
    "松原县",
    "凤台县",
    "白沙县",
    "金溪县",
    "双峰县",
    "龙湾县",
    "莲花县",
    "桃源县",
];

/// The n-th city; names repeat (with a number) only past 320 cities.
fn city_name(c: usize) -> String {
    let base = format!(
        "{}{}",
        CITY_FIRST[c % CITY_FIRST.len()],
        CITY_SECOND[(c / CITY_FIRST.len()) % CITY_SECOND.len()]
    );
    let round = c / (CITY_FIRST.len() * CITY_SECOND.len());
    if round == 0 {
        format!("{base}市")
    } else {
        format!("{base}{}市", round + 1)
    }
}

/// Area `a`: the city itself (every 12th) or one of its counties, by full name.
fn area_name(a: usize) -> String {
    let city = city_name(a / AREAS_PER_CITY);
    match a % AREAS_PER_CITY {
        0 => city,
        k => format!("{city}{}", COUNTIES[k - 1]),
    }
}

/// The i-th assessed unit.
fn unit_name(i: usize) -> String {
    format!(
        "{}{}",
        area_name(i / DEPARTMENTS.len()),
        DEPARTMENTS[i % DEPARTMENTS.len()].0
    )
}

/// Level-1 indicators: name as the table writes it, and points.
const LEVEL1: [(&str, f64); 4] = [
    ("党的建设（200分）", 200.0),
    ("经济发展（300分）", 300.0),
    ("民生保障（300分）", 300.0),
    ("改革创新（200分）", 200.0),
];

/// A level-2 indicator: its index in the scheme's indicator list, its level-1 parent, its name,
/// and the task kinds under it.
struct Leaf {
    index: usize,
    level1: usize,
    name: &'static str,
    kinds: &'static [Kind],
}

const LEAVES: [Leaf; 10] = [
    Leaf {
        index: 4,
        level1: 0,
        name: "全面从严治党",
        kinds: &[Kind::Integrity, Kind::Study],
    },
    Leaf {
        index: 5,
        level1: 0,
        name: "意识形态与宣传",
        kinds: &[Kind::Ideology, Kind::Publicity],
    },
    Leaf {
        index: 6,
        level1: 1,
        name: "项目建设",
        kinds: &[Kind::Investment, Kind::Roads],
    },
    Leaf {
        index: 7,
        level1: 1,
        name: "招商引资",
        kinds: &[Kind::Projects, Kind::Enterprises],
    },
    Leaf {
        index: 8,
        level1: 1,
        name: "产业发展",
        kinds: &[Kind::Afforestation, Kind::Enterprises],
    },
    Leaf {
        index: 9,
        level1: 2,
        name: "就业创业",
        kinds: &[Kind::Jobs, Kind::Training],
    },
    Leaf {
        index: 10,
        level1: 2,
        name: "社会救助",
        kinds: &[Kind::Relief, Kind::Courtyards],
    },
    Leaf {
        index: 11,
        level1: 2,
        name: "安全稳定",
        kinds: &[Kind::Safety, Kind::Stability],
    },
    Leaf {
        index: 12,
        level1: 3,
        name: "营商环境",
        kinds: &[Kind::Business, Kind::Online],
    },
    Leaf {
        index: 13,
        level1: 3,
        name: "数字政府",
        kinds: &[Kind::Online, Kind::Study],
    },
];

/// What a task is about; each kind writes its target and progress its own way.
#[derive(Clone, Copy)]
enum Kind {
    Training,
    Jobs,
    Investment,
    Courtyards,
    Publicity,
    Projects,
    Relief,
    Online,
    Enterprises,
    Roads,
    Afforestation,
    Study,
    Integrity,
    Ideology,
    Business,
    Safety,
    Stability,
}

/// The arguments, checked.
struct Plan {
    units: usize,
    tasks_per_unit: usize,
    periods: Vec<Period>,
    seed: u64,
    year: Year,
    accounts: usize,
}

/// One generated unit.
struct UnitData {
    tasks: Vec<TaskData>,
}

struct TaskData {
    leaf: usize,
    name: String,
    target: String,
    weight: f64,
    reports: Vec<ReportData>,
}

struct ReportData {
    period: usize,
    text: String,
    state: &'static str,
    reading: StoredReading,
    self_score: Option<f64>,
}

impl Plan {
    fn from_args(args: &DemoArgs) -> anyhow::Result<Plan> {
        if !(1..=200_000).contains(&args.units) {
            anyhow::bail!("--units 应在 1 到 200000 之间（收到 {}）", args.units);
        }
        if !(1..=200).contains(&args.tasks_per_unit) {
            anyhow::bail!(
                "--tasks-per-unit 应在 1 到 200 之间（收到 {}）",
                args.tasks_per_unit
            );
        }
        if args.accounts > args.units {
            anyhow::bail!(
                "--accounts 不能多于 --units（{} > {}）",
                args.accounts,
                args.units
            );
        }
        let year = Year::try_from(args.year)
            .map_err(|e| anyhow::anyhow!("--year {} 无效：{e}", args.year))?;
        let kinds: Vec<PeriodKind> = match args.periods {
            1 => vec![PeriodKind::Year],
            4 => (1..=4).map(PeriodKind::Quarter).collect(),
            12 => (1..=12).map(PeriodKind::Month).collect(),
            n => anyhow::bail!("--periods 只能是 1（全年）、4（季度）或 12（月度），收到 {n}"),
        };
        let periods = kinds
            .into_iter()
            .map(|k| Period::new(year, k))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Plan {
            units: args.units,
            tasks_per_unit: args.tasks_per_unit,
            periods,
            seed: args.seed,
            year,
            accounts: args.accounts,
        })
    }

    fn scheme(&self) -> NewScheme {
        let mut indicators: Vec<NewIndicator> = LEVEL1
            .iter()
            .map(|(name, points)| NewIndicator {
                parent: None,
                name: (*name).to_string(),
                points: Some(*points),
            })
            .collect();
        for leaf in &LEAVES {
            debug_assert_eq!(leaf.index, indicators.len());
            indicators.push(NewIndicator {
                parent: Some(leaf.level1),
                name: leaf.name.to_string(),
                points: None,
            });
        }
        NewScheme {
            title: format!("{}年度{PROVINCE}高质量发展综合绩效考核", self.year),
            year: self.year.get(),
            indicators,
            periods: self
                .periods
                .iter()
                .map(|p| (p.code(), p.ends_on().to_string()))
                .collect(),
        }
    }

    /// The tasks and reports of assessed unit `i`, from its own PRNG stream.
    fn unit(&self, i: usize) -> UnitData {
        let mut rng = Rng::new(self.seed, i as u64);
        let m = self.tasks_per_unit;
        // Tasks spread over the indicators in order (so the table groups them), each level-1
        // indicator getting a share by its points: at least one each from four tasks up.
        let leaves: Vec<usize> = (0..m)
            .map(|j| leaf_at((j as f64 + 0.5) / m as f64))
            .collect();
        let mut per_level1 = [0usize; 4];
        for &l in &leaves {
            per_level1[LEAVES[l].level1] += 1;
        }
        let mut seen_in_level1 = [0usize; 4];
        let mut names_used: Vec<String> = Vec::with_capacity(m);
        let last = self.periods.len() - 1;
        let tasks = leaves
            .iter()
            .map(|&l| {
                let leaf = &LEAVES[l];
                let kind = leaf.kinds[rng.below(leaf.kinds.len() as u64) as usize];
                let (points, n) = (LEVEL1[leaf.level1].1, per_level1[leaf.level1]);
                seen_in_level1[leaf.level1] += 1;
                // Half-point weights; the last task of a level-1 indicator takes the remainder.
                let share = (points / n as f64 * 2.0).floor() / 2.0;
                let weight = if seen_in_level1[leaf.level1] == n {
                    points - share * (n as f64 - 1.0)
                } else {
                    share
                };
                let task = kind.task(&mut rng);
                let mut name = task.name.to_string();
                let repeats = names_used.iter().filter(|u| **u == name).count();
                names_used.push(name.clone());
                if repeats > 0 {
                    name = format!("{name}（{}）", ordinal(repeats + 1));
                }
                // How this task fares against the calendar, the same all year.
                let pace = match rng.below(100) {
                    0..=9 => 0.2 + rng.unit() * 0.3,
                    10..=29 => 0.5 + rng.unit() * 0.35,
                    _ => 0.85 + rng.unit() * 0.45,
                };
                let reports = self
                    .periods
                    .iter()
                    .enumerate()
                    .filter_map(|(k, period)| {
                        let roll = rng.below(100);
                        let state = if k < last {
                            match roll {
                                0..=1 => return None,
                                2..=4 => "draft",
                                5..=5 => "returned",
                                6..=11 => "submitted",
                                _ => "approved",
                            }
                        } else {
                            match roll {
                                0..=24 => return None,
                                25..=59 => "draft",
                                60..=89 => "submitted",
                                _ => "approved",
                            }
                        };
                        let tp = period.time_progress();
                        let jitter = 0.95 + rng.unit() * 0.1;
                        let text = task.progress(tp.get() * pace * jitter);
                        // The demo's scheme keeps the default tolerance.
                        let reading = jixiao_app::reports::stored_reading(
                            &task.target,
                            &text,
                            tp,
                            jixiao_domain::status::DEFAULT_TOLERANCE,
                            None,
                        );
                        let self_score = (state != "draft")
                            .then(|| {
                                reading
                                    .completion
                                    .map(|c| (weight * c.min(1.0) * 2.0).round() / 2.0)
                            })
                            .flatten();
                        Some(ReportData {
                            period: k,
                            text,
                            state,
                            reading,
                            self_score,
                        })
                    })
                    .collect();
                TaskData {
                    leaf: l,
                    name,
                    target: task.target.clone(),
                    weight,
                    reports,
                }
            })
            .collect();
        UnitData { tasks }
    }
}

/// The level-2 indicator at `x` in `0..1` of the scheme's points, level-1 indicators laid
/// end to end by their points and their level-2 indicators sharing each one's span equally.
fn leaf_at(x: f64) -> usize {
    let total: f64 = LEVEL1.iter().map(|(_, p)| p).sum();
    let mut start = 0.0;
    for (g, (_, points)) in LEVEL1.iter().enumerate() {
        let end = start + points / total;
        if x < end || g == LEVEL1.len() - 1 {
            let leaves: Vec<usize> = (0..LEAVES.len())
                .filter(|&l| LEAVES[l].level1 == g)
                .collect();
            let sub = ((x - start) / (end - start)).clamp(0.0, 0.999_999);
            return leaves[(sub * leaves.len() as f64) as usize];
        }
        start = end;
    }
    LEAVES.len() - 1
}

fn ordinal(n: usize) -> &'static str {
    ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        .get(n - 1)
        .copied()
        .unwrap_or("续")
}

/// A generated task: its name, target, and what its progress says at a given completion.
struct GenTask {
    name: &'static str,
    target: String,
    kind: Kind,
    /// The target quantities, in the order the texts use them.
    amounts: Vec<f64>,
}

impl Kind {
    fn task(self, rng: &mut Rng) -> GenTask {
        let pick = |rng: &mut Rng, lo: u64, hi: u64, step: u64| {
            (lo + rng.below((hi - lo) / step + 1) * step) as f64
        };
        let (name, amounts): (&str, Vec<f64>) = match self {
            Kind::Training => (
                "巾帼技能培训",
                vec![pick(rng, 10, 60, 5), pick(rng, 500, 5000, 100)],
            ),
            Kind::Jobs => ("稳岗扩就业", vec![pick(rng, 5, 50, 5) / 10.0]),
            Kind::Investment => ("重点项目投资", vec![pick(rng, 5, 60, 1)]),
            Kind::Courtyards => ("美丽庭院创建", vec![pick(rng, 200, 3000, 50)]),
            Kind::Publicity => ("普法宣传", vec![pick(rng, 20, 120, 5)]),
            Kind::Projects => ("招引重点项目", vec![pick(rng, 5, 40, 1)]),
            Kind::Relief => ("困难群众救助", vec![pick(rng, 100, 1500, 50)]),
            Kind::Online => ("政务服务网上办", vec![pick(rng, 85, 98, 1)]),
            Kind::Enterprises => ("培育龙头企业", vec![pick(rng, 3, 20, 1)]),
            Kind::Roads => ("农村公路建设", vec![pick(rng, 20, 200, 10)]),
            Kind::Afforestation => ("国土绿化", vec![pick(rng, 2, 20, 1) / 2.0]),
            Kind::Study => ("调查研究", vec![pick(rng, 4, 12, 1), pick(rng, 2, 6, 1)]),
            Kind::Integrity => ("党风廉政建设", vec![]),
            Kind::Ideology => ("意识形态工作", vec![]),
            Kind::Business => ("优化营商环境", vec![]),
            Kind::Safety => ("安全生产", vec![]),
            Kind::Stability => ("信访维稳", vec![]),
        };
        let a = |i: usize| number(amounts[i]);
        let target = match self {
            Kind::Training => format!("开展巾帼家政及技能培训{}期，培训妇女{}人", a(0), a(1)),
            Kind::Jobs => format!("新增就业岗位{}万个", a(0)),
            Kind::Investment => format!("完成重点项目投资{}亿元", a(0)),
            Kind::Courtyards => format!("建成“美丽庭院”示范户{}户", a(0)),
            Kind::Publicity => format!("开展普法宣传活动{}场", a(0)),
            Kind::Projects => format!("引进重点项目{}个", a(0)),
            Kind::Relief => format!("救助困难群众{}人", a(0)),
            Kind::Online => format!("政务服务事项网上可办率达到{}%", a(0)),
            Kind::Enterprises => format!("培育农业产业化龙头企业{}家", a(0)),
            Kind::Roads => format!("新建改建农村公路{}公里", a(0)),
            Kind::Afforestation => format!("完成植树造林{}万亩", a(0)),
            Kind::Study => format!("开展专题调研{}次，形成调研报告{}篇", a(0), a(1)),
            Kind::Integrity => "落实全面从严治党主体责任，开展廉政警示教育".to_string(),
            Kind::Ideology => "压紧压实意识形态工作责任制，牢牢掌握主导权".to_string(),
            Kind::Business => "持续优化营商环境，提升市场主体满意度".to_string(),
            Kind::Safety => "统筹发展和安全，坚决遏制重特大安全事故".to_string(),
            Kind::Stability => "深化信访工作法治化，化解信访积案".to_string(),
        };
        GenTask {
            name,
            target,
            kind: self,
            amounts,
        }
    }
}

impl GenTask {
    /// The progress text at `done` (a fraction of the target; may exceed 1).
    fn progress(&self, done: f64) -> String {
        let q = |i: usize, decimals: bool| {
            let v = self.amounts[i] * done;
            if decimals {
                number((v * 10.0).round() / 10.0)
            } else {
                number(v.round())
            }
        };
        match self.kind {
            Kind::Training => format!(
                "已开展巾帼家政及技能培训{}期，培训妇女{}人",
                q(0, false),
                q(1, false)
            ),
            Kind::Jobs => format!("已新增就业岗位{}万个，重点群体就业稳定", q(0, true)),
            Kind::Investment => format!("已完成投资{}亿元，项目按计划推进", q(0, true)),
            Kind::Courtyards => format!("已建成“美丽庭院”示范户{}户", q(0, false)),
            Kind::Publicity => format!("已开展普法宣传活动{}场", q(0, false)),
            Kind::Projects => format!("已引进重点项目{}个，正在洽谈项目若干", q(0, false)),
            Kind::Relief => format!("累计救助困难群众{}人", q(0, false)),
            Kind::Online => {
                let rate = (self.amounts[0] * (0.9 + 0.12 * done.min(1.0))).min(100.0);
                format!(
                    "政务服务事项网上可办率达到{}%",
                    number((rate * 10.0).round() / 10.0)
                )
            }
            Kind::Enterprises => format!("已培育农业产业化龙头企业{}家", q(0, false)),
            Kind::Roads => format!("已完成新建改建农村公路{}公里", q(0, true)),
            Kind::Afforestation => format!("已完成植树造林{}万亩", q(0, true)),
            Kind::Study => format!(
                "已开展专题调研{}次，形成调研报告{}篇",
                q(0, false),
                q(1, false)
            ),
            Kind::Integrity if done >= 0.95 => {
                "已全面完成年度党风廉政建设任务，召开专题会议并组织警示教育".to_string()
            }
            Kind::Integrity => "召开党风廉政建设专题会议，组织干部开展警示教育".to_string(),
            Kind::Ideology => "定期分析研判意识形态领域情况，阵地管理推进中".to_string(),
            Kind::Business => "正在推进“一网通办”，企业开办时间进一步压缩".to_string(),
            Kind::Safety => "开展安全生产大排查大整治，整改隐患一批".to_string(),
            Kind::Stability => "正在化解信访积案，推行领导干部接访下访".to_string(),
        }
    }
}

/// A number as a table writes it: no trailing `.0`.
fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// SplitMix64: small, fast and the same everywhere. One stream per (seed, unit).
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the modulo bias is irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_names_are_unique_across_a_large_province() {
        let mut names: Vec<String> = (0..30_000).map(unit_name).collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    #[test]
    fn the_weights_of_each_unit_add_up_to_the_schemes_points() {
        for m in [4, 7, 20, 33] {
            let plan = Plan {
                units: 1,
                tasks_per_unit: m,
                periods: vec![Period::whole_year(Year::try_from(2024).unwrap())],
                seed: 1,
                year: Year::try_from(2024).unwrap(),
                accounts: 0,
            };
            let total: f64 = plan.unit(0).tasks.iter().map(|t| t.weight).sum();
            assert_eq!(total, 1000.0, "{m} tasks");
        }
    }

    #[test]
    fn the_reader_finds_the_generated_quantities() {
        let mut rng = Rng::new(7, 0);
        let kinds = [
            Kind::Training,
            Kind::Jobs,
            Kind::Investment,
            Kind::Courtyards,
            Kind::Publicity,
            Kind::Projects,
            Kind::Relief,
            Kind::Online,
            Kind::Enterprises,
            Kind::Roads,
            Kind::Afforestation,
            Kind::Study,
        ];
        for kind in kinds {
            let task = kind.task(&mut rng);
            let text = task.progress(0.5);
            let reading = jixiao_prose::assess(&task.target, &text);
            let c = reading
                .completion
                .unwrap_or_else(|| panic!("no completion for {} / {text}", task.target));
            assert!((0.3..=1.0).contains(&c), "{} / {text}: {c}", task.target);
        }
    }
}
