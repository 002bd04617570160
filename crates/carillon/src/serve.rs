//! `serve` and `demo`: turns the resolved settings into the server library's, then serves
//! until SIGINT or SIGTERM.

use std::num::NonZeroUsize;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use carillon_render::{BannerOrder, Branding};
use carillon_server::{
    CallbackSettings, ConnectionSettings, OpenMode, Server, ServerSettings, TrustedProxies,
    WorkerSettings,
};
use clap::ArgMatches;
use clap::parser::ValueSource;

use crate::cli::{Role, ServeArgs};
use crate::settings::{ServeFileSettings, Settings, list};

/// Which `serve`/`demo` flags were given on the command line or in the environment: the
/// TOML file's values win over clap's defaults only.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Given<'a>(pub(crate) Option<&'a ArgMatches>);

impl Given<'_> {
    fn has(self, id: &str) -> bool {
        matches!(
            self.0.and_then(|m| m.value_source(id)),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        )
    }

    /// The flag's value when given, else the file's, else the flag's default.
    fn pick<T>(self, id: &str, from_args: T, from_file: Option<T>) -> T {
        match from_file {
            Some(value) if !self.has(id) => value,
            _ => from_args,
        }
    }
}

/// The server library's settings for `serve` or `demo`.
pub(crate) fn server_settings(
    settings: &Settings,
    args: &ServeArgs,
    given: Given<'_>,
) -> Result<ServerSettings> {
    let file = &settings.serve_file;
    let concurrency = given.pick(
        "worker_concurrency",
        args.worker_concurrency,
        file.worker_concurrency,
    );
    if !(1..=64).contains(&concurrency) {
        bail!("worker_concurrency must be between 1 and 64, not {concurrency}");
    }
    let lease = given.pick(
        "worker_lease_seconds",
        args.worker_lease_seconds,
        file.worker_lease_seconds,
    );
    let retry = given.pick(
        "callback_retry_seconds",
        args.callback_retry_seconds,
        file.callback_retry_seconds,
    );
    let role = match given.pick("role", args.role, file.role) {
        Role::All => carillon_server::Role::All,
        Role::Api => carillon_server::Role::Api,
        Role::Web => carillon_server::Role::Web,
        Role::Worker => carillon_server::Role::Worker,
    };
    let connections = connection_settings(args, given, file)?;
    let government_domains = government_domains(list(
        &args.government_domains,
        file.government_domains.clone(),
    ))?;
    let trusted_proxies =
        TrustedProxies::parse(&list(&args.trusted_proxies, file.trusted_proxies.clone())[..])
            .map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))?;
    let master_key = settings.master_key(OpenMode::Create)?;
    Ok(ServerSettings {
        role,
        product_name: given.pick(
            "product_name",
            args.product_name.clone(),
            file.product_name.clone(),
        ),
        government_domains,
        trusted_proxies,
        listen: given.pick("listen", args.listen, file.listen),
        metrics_listen: args.metrics_listen.or(file.metrics_listen),
        hsts_max_age: args.hsts_max_age.or(file.hsts_max_age),
        sending_domain: settings.sending_domain.clone(),
        public_url: settings.public_url.clone(),
        email: settings.email.clone(),
        sms: settings.sms.clone(),
        aws: settings.aws.clone(),
        sns: settings.sns.clone(),
        worker: WorkerSettings {
            branding: Branding::GovernmentOfCanada(BannerOrder::EnglishFirst),
            lease: time::Duration::seconds(i64::from(lease.max(1))),
            concurrency: usize::from(concurrency),
            ..WorkerSettings::default()
        },
        callbacks: CallbackSettings {
            retry_delay: time::Duration::seconds(i64::from(retry)),
            max_retries: given.pick(
                "callback_max_retries",
                args.callback_max_retries,
                file.callback_max_retries,
            ),
            ..CallbackSettings::default()
        },
        bulk_max_rows: given.pick("bulk_max_rows", args.bulk_max_rows, file.bulk_max_rows),
        connections,
        ..ServerSettings::new(settings.database.clone(), master_key)
    })
}

/// The configured government domains, lower-case (a leading `.` or `@` dropped), or
/// GC Notify's when none are.
fn government_domains(configured: Vec<String>) -> Result<Vec<String>> {
    if configured.is_empty() {
        return Ok(carillon_app::accounts::DEFAULT_GOVERNMENT_DOMAINS
            .iter()
            .map(|domain| (*domain).to_owned())
            .collect());
    }
    configured
        .into_iter()
        .map(|domain| {
            let domain = domain.trim_start_matches(['.', '@']).to_lowercase();
            let address = format!("someone@{domain}");
            match carillon_domain::EmailAddress::parse(&address) {
                Ok(_) if domain.contains('.') => Ok(domain),
                _ => bail!("government_domains: {domain:?} is not a domain like gc.ca"),
            }
        })
        .collect()
}

/// The timeouts and connection cap, from the flags or the file (whose values clap has not
/// checked: none may be zero).
fn connection_settings(
    args: &ServeArgs,
    given: Given<'_>,
    file: &ServeFileSettings,
) -> Result<ConnectionSettings> {
    let seconds = |id: &str, from_args: u32, from_file: Option<u32>| {
        let value = given.pick(id, from_args, from_file);
        if value == 0 {
            bail!("{id} must be at least 1");
        }
        Ok(Duration::from_secs(u64::from(value)))
    };
    let max_connections = match args.max_connections.or(file.max_connections) {
        Some(max) => Some(
            usize::try_from(max)
                .ok()
                .and_then(NonZeroUsize::new)
                .context("max_connections must be at least 1")?,
        ),
        None => None,
    };
    Ok(ConnectionSettings {
        header_timeout: seconds(
            "header_timeout_seconds",
            args.header_timeout_seconds,
            file.header_timeout_seconds,
        )?,
        body_timeout: seconds(
            "body_timeout_seconds",
            args.body_timeout_seconds,
            file.body_timeout_seconds,
        )?,
        idle_timeout: seconds(
            "idle_timeout_seconds",
            args.idle_timeout_seconds,
            file.idle_timeout_seconds,
        )?,
        max_connections,
    })
}

/// `carillon serve`: what the role names, until a shutdown signal.
pub(crate) async fn serve(settings: &Settings, args: &ServeArgs, given: Given<'_>) -> Result<()> {
    let shutdown = shutdown_signal()?;
    let server = Server::build(server_settings(settings, args, given)?).await?;
    let listeners = server.bind().await?;
    Ok(server.run(listeners, shutdown).await?)
}

/// `carillon demo`: seeds the demo, describes it in one line on standard output, serves.
pub(crate) async fn demo(settings: &Settings, args: &ServeArgs, given: Given<'_>) -> Result<()> {
    let shutdown = shutdown_signal()?;
    let server = Server::build(server_settings(settings, args, given)?).await?;
    let listeners = server.bind().await?;
    let Some(api) = listeners
        .api_address()
        .filter(|_| server.settings().role.serves_api())
    else {
        bail!("the demo serves the API: use --role all or --role api");
    };
    let sign_in = server
        .settings()
        .role
        .serves_web()
        .then(|| format!("http://{api}/sign-in"));
    let metrics = listeners
        .metrics_address()
        .map(|address| format!("http://{address}/metrics"));
    let account = match sign_in {
        Some(_) => Some(crate::demo::account(server.app()).await?),
        None => None,
    };
    let urls = crate::demo::Urls {
        api: format!("http://{api}"),
        metrics,
        sign_in,
        account,
    };
    let line = crate::demo::seed(server.store(), &urls).await?;
    crate::output::print_line(&line);
    Ok(server.run(listeners, shutdown).await?)
}

/// Registers SIGINT and SIGTERM handlers now (so a signal sent right after start-up is not
/// lost) and returns a future that completes on the first of them.
fn shutdown_signal() -> Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("installing the SIGTERM handler")?;
    #[cfg(unix)]
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .context("installing the SIGINT handler")?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = terminate.recv() => {},
            _ = interrupt.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use clap::{CommandFactory, FromArgMatches};

    use super::{Given, server_settings};
    use crate::cli::{Cli, Command};
    use crate::settings::Settings;

    /// The server settings of `carillon --data-dir <temp> [--config <file>] serve <flags>`.
    fn resolved(
        file: Option<&str>,
        flags: &[&str],
    ) -> anyhow::Result<carillon_server::ServerSettings> {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().to_str().unwrap().to_owned();
        let mut argv = vec!["carillon".to_owned(), "--data-dir".to_owned(), data_dir];
        if let Some(text) = file {
            let path = dir.path().join("carillon.toml");
            std::fs::write(&path, text).unwrap();
            argv.extend(["--config".to_owned(), path.to_str().unwrap().to_owned()]);
        }
        argv.push("serve".to_owned());
        argv.extend(flags.iter().map(|flag| (*flag).to_owned()));
        let matches = Cli::command().try_get_matches_from(argv).unwrap();
        let cli = Cli::from_arg_matches(&matches).unwrap();
        let Command::Serve(args) = &cli.command else {
            unreachable!()
        };
        let settings = Settings::resolve(&cli.global)?;
        let given = Given(matches.subcommand().map(|(_, command)| command));
        server_settings(&settings, args, given)
    }

    #[test]
    fn government_domains_come_from_the_flag_or_the_file_else_the_default_list() {
        let default = resolved(None, &[]).unwrap();
        assert_eq!(
            default.government_domains,
            ["gc.ca", "canada.ca", "canada.gc.ca"]
        );
        let flag = resolved(
            None,
            &[
                "--government-domains",
                "Agency.example.org,@dept.example.net",
            ],
        );
        assert_eq!(
            flag.unwrap().government_domains,
            ["agency.example.org", "dept.example.net"]
        );
        let file = resolved(Some("government_domains = [\"agency.example.org\"]\n"), &[]);
        assert_eq!(file.unwrap().government_domains, ["agency.example.org"]);
        let both = resolved(
            Some("government_domains = [\"agency.example.org\"]\n"),
            &["--government-domains", "gc.ca"],
        );
        assert_eq!(both.unwrap().government_domains, ["gc.ca"], "the flag wins");
        let bad = resolved(None, &["--government-domains", "not a domain"]).unwrap_err();
        assert!(bad.to_string().contains("government_domains"), "{bad}");
    }

    #[test]
    fn trusted_proxies_come_from_the_flag_or_the_file_and_are_checked() {
        assert!(
            resolved(None, &[])
                .unwrap()
                .trusted_proxies
                .blocks()
                .is_empty()
        );
        let flag = resolved(None, &["--trusted-proxies", "10.0.0.0/8,192.0.2.7"]).unwrap();
        assert_eq!(
            flag.trusted_proxies.blocks(),
            ["10.0.0.0/8", "192.0.2.7/32"]
        );
        let file = resolved(Some("trusted_proxies = [\"fd00::/8\"]\n"), &[]).unwrap();
        assert_eq!(file.trusted_proxies.blocks(), ["fd00::/8"]);
        let bad = resolved(None, &["--trusted-proxies", "10.0.0.0/40"]).unwrap_err();
        assert!(bad.to_string().contains("trusted_proxies"), "{bad}");
    }
}
