//! The command-line contract (product.md, "The command line"): stable, scripts depend on it.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// jixiao（绩效）：目标责任制与绩效考核系统
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about, propagate_version = true)]
pub struct Cli {
    /// 数据库地址：sqlite://路径（默认 sqlite://jixiao.db）或 postgres://…
    #[arg(
        long,
        global = true,
        env = "JIXIAO_DATABASE_URL",
        default_value = "sqlite://jixiao.db"
    )]
    pub db: String,

    /// 要执行的命令
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 启动网页服务
    Serve(ServeArgs),
    /// 导入进度表（.txt / .docx / .xlsx）
    Import(ImportArgs),
    /// 导出进度表（.docx / .xlsx / .pdf / .html / .csv / .txt）
    Export(ExportArgs),
    /// 读出一段文字中的数量（不给 TEXT 时逐行读标准输入）
    Extract(ExtractArgs),
    /// 对照年度目标读进度：配对数量、完成率与状态
    Assess(AssessArgs),
    /// 计算并显示单位得分（逐项可追溯）
    Score(ScoreArgs),
    /// 方案内各单位排名（总分，其次平均完成率；含分类排名）
    Rank(RankArgs),
    /// 管理账户
    #[command(subcommand)]
    User(UserCommand),
    /// 审计日志
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 生成演示用的模拟省份（单位树、方案、任务、各周期进度报告），写入空数据库
    Demo(DemoArgs),
    /// 备份数据库到文件（SQLite 可在服务运行时在线备份；PostgreSQL 请用 pg_dump）
    Backup(BackupArgs),
    /// 用备份文件恢复 SQLite 数据库（先停止服务；目标已有数据时需加 --force）
    Restore(RestoreArgs),
}

/// `jixiao backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// 备份文件（不能已存在）
    pub file: PathBuf,
}

/// `jixiao restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// 由 jixiao backup 生成的备份文件
    pub file: PathBuf,
    /// 目标数据库已有数据时也覆盖它
    #[arg(long)]
    pub force: bool,
}

/// `jixiao demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// 被考核单位数
    #[arg(long, default_value_t = 200)]
    pub units: usize,
    /// 每个单位的任务数
    #[arg(long, default_value_t = 20)]
    pub tasks_per_unit: usize,
    /// 填报周期数：1（全年）、4（季度）或 12（月度）
    #[arg(long, default_value_t = 4)]
    pub periods: u32,
    /// 随机种子：同样的参数和种子生成同样的数据
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// 方案年度
    #[arg(long, default_value_t = 2024)]
    pub year: i32,
    /// 另建账户：admin（考核办）和前 N 个单位的填报员 r00001…；密码取自 JIXIAO_PASSWORD，未设置时随机生成并显示一次
    #[arg(long, default_value_t = 0)]
    pub accounts: usize,
}

/// `jixiao user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 新建账户；密码取自环境变量 JIXIAO_PASSWORD，未设置时随机生成并显示一次
    Add(UserAddArgs),
    /// 列出账户
    List,
    /// 为账户创建个人 API 令牌（只显示一次）
    Token(UserTokenArgs),
}

/// `jixiao user token`.
#[derive(Debug, Args)]
pub struct UserTokenArgs {
    /// 用户名
    pub username: String,
    /// 用途，如“统计平台”
    #[arg(long)]
    pub name: String,
    /// 权限：read（只读，默认）或 write（读写）
    #[arg(long, default_value = "read")]
    pub scope: String,
}

/// `jixiao user add`.
#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// 用户名（3–32 位字母、数字或 . _ -）
    pub username: String,
    /// 角色：admin（考核办）、reviewer（主管部门）、reporter（填报员）、viewer（领导）；
    /// 三员分立的管理员：sysadmin（系统管理员）、secadmin（安全管理员）、auditor（审计管理员）
    #[arg(long)]
    pub role: String,
    /// 所在单位名称（不存在时新建）
    #[arg(long)]
    pub unit: String,
    /// 显示的姓名（默认同用户名）
    #[arg(long)]
    pub name: Option<String>,
}

/// `jixiao audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 校验审计日志：哈希链（有审计密钥时核对签名与序号）、日志头，以及给出的锚点
    Verify {
        /// 锚点文件（jixiao audit anchor 或 serve --audit-anchor-file 写下的）：日志须仍含每个锚点记下的记录
        #[arg(long, env = "JIXIAO_AUDIT_ANCHOR_FILE", value_name = "FILE")]
        anchors: Option<std::path::PathBuf>,
    },
    /// 把日志当前的末条记录（编号与哈希，有密钥时签名）追加到数据库之外的锚点文件
    Anchor {
        /// 锚点文件（追加一行）
        file: std::path::PathBuf,
    },
}

/// `jixiao export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// 格式：docx、xlsx、pdf、html、csv 或 txt
    #[arg(long)]
    pub format: String,
    /// 考核方案编号（默认：唯一或第一个方案）
    #[arg(long)]
    pub scheme: Option<i64>,
    /// 被考核单位编号（默认：方案中的第一个单位）
    #[arg(long, conflicts_with = "all")]
    pub unit: Option<i64>,
    /// 导出方案中每个被考核单位：-o 为文件夹，或以 .zip 结尾的压缩包
    #[arg(long)]
    pub all: bool,
    /// 填报周期，如 2022、2022Q3（默认：最近的周期）
    #[arg(long)]
    pub period: Option<String>,
    /// 附加列，逗号分隔：completion（完成率）、status（状态）、score（得分）
    #[arg(long, value_delimiter = ',')]
    pub columns: Vec<String>,
    /// 输出文件（--all 时为文件夹或 .zip）
    #[arg(short = 'o', long = "output")]
    pub output: std::path::PathBuf,
}

/// `jixiao score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// 考核方案编号（默认：第一个方案）
    #[arg(long)]
    pub scheme: Option<i64>,
    /// 被考核单位编号（默认：方案中的每个单位）
    #[arg(long)]
    pub unit: Option<i64>,
    /// 填报周期（默认：最近的周期）
    #[arg(long)]
    pub period: Option<String>,
    /// 口径：official 正式（只计已审核的报告，默认）或 provisional 含待审（已提交未审核的也计入）
    #[arg(long, value_enum, default_value_t = BasisArg::Official)]
    pub basis: BasisArg,
    /// 以 JSON 输出
    #[arg(long)]
    pub json: bool,
}

/// `jixiao rank`.
#[derive(Debug, Args)]
pub struct RankArgs {
    /// 导出排名表的格式：docx、xlsx、csv 或 html（需同时给 -o）
    #[arg(long, requires = "output")]
    pub format: Option<String>,
    /// 排名表输出文件
    #[arg(short = 'o', long = "output", requires = "format")]
    pub output: Option<std::path::PathBuf>,
    /// 考核方案编号（默认：第一个方案）
    #[arg(long)]
    pub scheme: Option<i64>,
    /// 填报周期（默认：最近的周期）
    #[arg(long)]
    pub period: Option<String>,
    /// 口径：official 正式（只计已审核的报告，默认）或 provisional 含待审（已提交未审核的也计入）
    #[arg(long, value_enum, default_value_t = BasisArg::Official)]
    pub basis: BasisArg,
    /// 以 JSON 输出
    #[arg(long)]
    pub json: bool,
}

/// 口径 of `score` and `rank`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BasisArg {
    /// 正式：只计已审核的报告
    Official,
    /// 含待审：已提交未审核的报告也计入
    Provisional,
}

impl From<BasisArg> for jixiao_domain::Basis {
    fn from(b: BasisArg) -> Self {
        match b {
            BasisArg::Official => jixiao_domain::Basis::Official,
            BasisArg::Provisional => jixiao_domain::Basis::Provisional,
        }
    }
}

/// `jixiao extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// 以 JSON 输出（逐行读入时每行一个 JSON 数组）
    #[arg(long)]
    pub json: bool,
    /// 要读的文字；省略时逐行读标准输入
    pub text: Option<String>,
}

/// `jixiao assess`.
#[derive(Debug, Args)]
pub struct AssessArgs {
    /// 年度目标
    #[arg(long)]
    pub target: String,
    /// 进度情况
    #[arg(long)]
    pub progress: String,
    /// 时间进度，0 到 1（第三季度末约 0.75）
    #[arg(long, default_value_t = 1.0)]
    pub time_progress: f64,
    /// 以 JSON 输出
    #[arg(long)]
    pub json: bool,
}

/// `jixiao serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 监听地址
    #[arg(long, default_value = "127.0.0.1:8080", env = "JIXIAO_BIND")]
    pub bind: SocketAddr,
    /// 数据库为空时载入演示数据（枣庄市妇联 2022 年度进度表）
    #[arg(long)]
    pub demo: bool,
    /// 会话 Cookie 加 Secure 标记（在 HTTPS 反向代理之后运行时使用）
    #[arg(long, env = "JIXIAO_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// 每个 API 令牌每分钟最多请求数
    #[arg(long, env = "JIXIAO_API_REQUESTS_PER_MINUTE", default_value_t = 600,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub api_requests_per_minute: u32,
    /// 后台刷新过期得分汇总的间隔秒数（0 为不刷新；多实例时同一时间只有一个实例刷新）
    #[arg(long, env = "JIXIAO_REFRESH_SECONDS", default_value_t = 10)]
    pub refresh_seconds: u64,
    /// 可信的反向代理地址（可重复，或以逗号分隔）：只有来自它们的 X-Forwarded-For 才用来识别客户端地址
    #[arg(
        long = "trusted-proxy",
        env = "JIXIAO_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "IP"
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// 会话闲置多少分钟后失效（0 为不限；绝对有效期另为 10 小时）
    #[arg(long, env = "JIXIAO_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u64,
    /// 密码最长使用天数，到期须先修改密码（等保要求定期更换；0 为不限）
    #[arg(long, env = "JIXIAO_PASSWORD_MAX_AGE_DAYS", default_value_t = 90)]
    pub password_max_age_days: u64,
    /// 客户端发送请求头的时限（秒），超时断开连接（防慢速攻击）
    #[arg(long, env = "JIXIAO_HEADER_TIMEOUT_SECONDS", default_value_t = 10)]
    pub header_timeout_seconds: u64,
    /// 同一网络地址最多同时持有的连接数（反向代理之后所有客户端共用代理的地址，请调高）
    #[arg(long, env = "JIXIAO_CONNECTIONS_PER_ADDRESS", default_value_t = 256)]
    pub connections_per_address: usize,
    /// 催报邮件经由的 SMTP 中继：smtp://[用户名:口令@]主机[:端口]（不加密，限政务内网；不设则不发邮件）
    #[arg(long, env = "JIXIAO_SMTP", value_name = "URL")]
    pub smtp: Option<String>,
    /// 催报邮件的发件人
    #[arg(
        long,
        env = "JIXIAO_MAIL_FROM",
        default_value = "绩效考核办 <jixiao@localhost>"
    )]
    pub mail_from: String,
    /// 催报同时推送到的群机器人 Webhook（企业微信 / 钉钉的文本消息；内网 http:// 地址）
    #[arg(long, env = "JIXIAO_REMINDER_WEBHOOK", value_name = "URL")]
    pub reminder_webhook: Option<String>,
    /// 催报后台任务的间隔秒数：发送到期的邮件和 Webhook、检查定时催报
    #[arg(long, env = "JIXIAO_REMINDER_SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub reminder_seconds: u64,
    /// 送达失败后第一次重试前等待的秒数（之后每次为前一次的 4 倍，共 5 次）
    #[arg(long, env = "JIXIAO_REMINDER_RETRY_SECONDS", default_value_t = 60)]
    pub reminder_retry_seconds: u64,
    /// 审计日志锚点文件（数据库之外；每隔 --audit-anchor-seconds 秒，日志有新记录时追加一行）
    #[arg(long, env = "JIXIAO_AUDIT_ANCHOR_FILE", value_name = "FILE")]
    pub audit_anchor_file: Option<std::path::PathBuf>,
    /// 写审计锚点的间隔秒数
    #[arg(long, env = "JIXIAO_AUDIT_ANCHOR_SECONDS", default_value_t = 300)]
    pub audit_anchor_seconds: u64,
    /// 日志格式：text（默认，便于阅读）或 json（每行一个 JSON 对象，便于日志系统收集）
    #[arg(long, env = "JIXIAO_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
}

/// `jixiao import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// 要导入的文件（可多个，全部成功才写入）
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// 只检查并显示将要导入的内容，不写入数据库
    #[arg(long)]
    pub dry_run: bool,
    /// 以 JSON 输出
    #[arg(long)]
    pub json: bool,
    /// 被考核单位名称（默认：文件中的主管部门）
    #[arg(long)]
    pub unit: Option<String>,
    /// 进度情况所属的填报周期，如 2022、2022Q3、2022-09（默认：方案年度全年）
    #[arg(long)]
    pub period: Option<String>,
    /// 该单位在方案中已有任务时，用本文件替换
    #[arg(long)]
    pub replace: bool,
    /// 进度情况导入为“已提交”，待审核后才计入正式得分（默认：考核办自己的表，直接计为已审核）
    #[arg(long)]
    pub for_review: bool,
    /// 表头与列的对应（表头无法识别时），如 --map 进展情况=progress,项目=task；
    /// 角色：task target progress weight level1 level2 completion responsible unit ignore
    #[arg(long, value_name = "表头=角色,…")]
    pub map: Option<jixiao_office::ColumnMap>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
