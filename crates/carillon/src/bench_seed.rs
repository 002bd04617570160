//! `carillon bench-seed` (hidden): fills a new database with services, accounts and
//! memberships for the web app's benchmark (`bench/web/run`), through the use cases, and times
//! Argon2id with the production parameters. Seeded accounts share one password hashed once
//! (`App::shared_password`): hashing 10,000 passwords would take minutes and measure nothing.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use carillon_app::team::{CreateService, SharedPassword};
use carillon_domain::{EmailLocalPart, Language, MemberPermission, Service, User};
use carillon_store::Store;
use clap::Args;
use serde_json::json;
use tokio::task::JoinSet;

use crate::output::print_json;

/// What to seed.
#[derive(Debug, Clone, Args)]
pub(crate) struct BenchSeedArgs {
    /// Services to create.
    #[arg(long, default_value_t = 1_000)]
    services: usize,
    /// Accounts to create (the platform admins among them).
    #[arg(long, default_value_t = 10_000)]
    users: usize,
    /// Accounts that are platform admins.
    #[arg(long, default_value_t = 10)]
    platform_admins: usize,
    /// Accounts the benchmark signs in: each a manager of three services.
    #[arg(long, default_value_t = 32)]
    signed_in: usize,
    /// Use cases running at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Argon2id hashes to time (production parameters, one at a time).
    #[arg(long, default_value_t = 20)]
    time_hashes: usize,
}

/// SplitMix64: a reproducible spread of memberships without a dependency.
struct Spread(u64);

impl Spread {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0; the modulo bias is irrelevant here).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

/// The services of each account: most have one to three, a few up to six; the accounts to
/// sign in have exactly three.
fn plan(args: &BenchSeedArgs) -> Vec<Vec<usize>> {
    let mut spread = Spread(12);
    let first_signed_in = args.platform_admins;
    (0..args.users)
        .map(|user| {
            let count = if (first_signed_in..first_signed_in + args.signed_in).contains(&user) {
                3
            } else {
                match spread.below(100) {
                    0..55 => 1,
                    55..85 => 2,
                    85..97 => 3,
                    _ => 4 + spread.below(3),
                }
            };
            let mut picked = Vec::with_capacity(count);
            while picked.len() < count.min(args.services) {
                let service = spread.below(args.services);
                if !picked.contains(&service) {
                    picked.push(service);
                }
            }
            picked
        })
        .collect()
}

/// Runs `work(i)` for every `i` below `n`, `concurrency` at a time.
async fn each<T, F, Fut>(n: usize, concurrency: usize, work: F) -> Result<Vec<T>>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T>> + Send + 'static,
{
    let work = Arc::new(work);
    let lanes = concurrency.max(1);
    let mut tasks = JoinSet::new();
    for lane in 0..lanes {
        let work = Arc::clone(&work);
        tasks.spawn(async move {
            let mut done = Vec::new();
            for i in (lane..n).step_by(lanes) {
                done.push((i, work(i).await?));
            }
            anyhow::Ok(done)
        });
    }
    let mut all = Vec::with_capacity(n);
    while let Some(lane) = tasks.join_next().await {
        all.extend(lane.context("a seeding task failed")??);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, value)| value).collect())
}

/// Milliseconds of each of `n` Argon2id hashes with the production parameters.
fn time_hashes(n: usize) -> Result<Vec<f64>> {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        carillon_crypto::password::hash_password("benchmark passphrase to hash")
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

pub(crate) async fn run(store: Arc<dyn Store>, args: BenchSeedArgs) -> Result<()> {
    if args.platform_admins + args.signed_in > args.users || args.services == 0 {
        bail!("need --users >= --platform-admins + --signed-in, and at least one service");
    }
    if !store.services().await?.is_empty() {
        bail!("bench-seed fills a new, empty database");
    }
    let hash_ms = tokio::task::spawn_blocking(move || time_hashes(args.time_hashes)).await??;
    let app = crate::admin::app(store);
    let password = carillon_crypto::token::new_token();
    let shared: SharedPassword = app.shared_password(&password).await?;

    let started = Instant::now();
    let (a, s) = (app.clone(), shared.clone());
    let admins = args.platform_admins;
    let users: Arc<Vec<User>> = Arc::new(
        each(args.users, args.concurrency, move |i| {
            let (app, shared) = (a.clone(), s.clone());
            async move {
                let email = format!("bench-{i:05}@example.gc.ca");
                let name = format!("Bench Person {i}");
                Ok(app
                    .create_user_sharing(&name, &email, i < admins, &shared)
                    .await?)
            }
        })
        .await?,
    );
    let users_seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        users = users.len(),
        seconds = users_seconds,
        "accounts seeded"
    );

    let plan = Arc::new(plan(&args));
    // The first account to pick a service creates it (and manages it); any other random one
    // creates a service nobody picked.
    let mut owners: Vec<Option<usize>> = vec![None; args.services];
    for (user, services) in plan.iter().enumerate() {
        for &service in services {
            owners[service].get_or_insert(user);
        }
    }
    let owners = Arc::new(owners);
    let started = Instant::now();
    let (a, u, o) = (app.clone(), Arc::clone(&users), Arc::clone(&owners));
    let services: Arc<Vec<Service>> = Arc::new(
        each(args.services, args.concurrency, move |j| {
            let (app, users, owners) = (a.clone(), Arc::clone(&u), Arc::clone(&o));
            async move {
                let owner = &users[owners[j].unwrap_or(j % users.len())];
                let new = CreateService {
                    name: format!("Bench service {j:04}"),
                    email_from: EmailLocalPart::parse(&format!("bench-service-{j:04}"))?,
                    language: if j % 4 == 0 {
                        Language::French
                    } else {
                        Language::English
                    },
                };
                Ok(app.create_service_for(owner, new).await?)
            }
        })
        .await?,
    );
    let services_seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        services = services.len(),
        seconds = services_seconds,
        "services seeded"
    );

    let joins: Arc<Vec<(usize, usize)>> = Arc::new(
        plan.iter()
            .enumerate()
            .flat_map(|(user, picked)| picked.iter().map(move |&service| (user, service)))
            .filter(|&(user, service)| owners[service] != Some(user))
            .collect(),
    );
    let started = Instant::now();
    let signed_in = admins..admins + args.signed_in;
    let (a, u, s, j) = (
        app.clone(),
        Arc::clone(&users),
        Arc::clone(&services),
        Arc::clone(&joins),
    );
    let sign_ins = signed_in.clone();
    each(joins.len(), args.concurrency, move |k| {
        let (app, users, services, joins) =
            (a.clone(), Arc::clone(&u), Arc::clone(&s), Arc::clone(&j));
        let sign_ins = sign_ins.clone();
        async move {
            let (user, service) = joins[k];
            // The signed-in accounts manage their services (every page is theirs to see);
            // about a third of the others do, the rest view and send.
            let permissions: &[MemberPermission] = if sign_ins.contains(&user) || k % 3 == 0 {
                &MemberPermission::ALL
            } else {
                &[
                    MemberPermission::ViewActivity,
                    MemberPermission::SendMessages,
                ]
            };
            app.add_member_directly(services[service].id, &users[user], permissions)
                .await?;
            Ok(())
        }
    })
    .await?;
    let members_seconds = started.elapsed().as_secs_f64();
    tracing::info!(
        memberships = joins.len(),
        seconds = members_seconds,
        "members seeded"
    );

    let accounts: Vec<_> = signed_in
        .map(|user| {
            json!({
                "email": users[user].email.as_str(),
                "services": plan[user].iter().map(|&s| services[s].id.to_string()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut per_user = [0usize; 7];
    for picked in plan.iter() {
        per_user[picked.len().min(6)] += 1;
    }
    print_json(&json!({
        "password": password,
        "signed_in": accounts,
        "services": services.len(),
        "users": users.len(),
        "platform_admins": admins,
        "memberships": joins.len() + services.len(),
        "users_by_service_count": per_user,
        "seed_seconds": {"users": users_seconds, "services": services_seconds, "members": members_seconds},
        "argon2id": {
            "memory_kib": carillon_crypto::password::MEMORY_KIB,
            "iterations": carillon_crypto::password::ITERATIONS,
            "parallelism": carillon_crypto::password::PARALLELISM,
            "hashes_ms": hash_ms,
        },
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{BenchSeedArgs, plan};

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: BenchSeedArgs,
    }

    #[test]
    fn most_accounts_join_one_to_three_distinct_services() {
        let args = Cli::parse_from(["seed"]).args;
        let plan = plan(&args);
        assert_eq!(plan.len(), 10_000);
        for picked in &plan {
            let mut distinct = picked.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), picked.len());
            assert!((1..=6).contains(&picked.len()));
            assert!(picked.iter().all(|&s| s < 1_000));
        }
        assert!(plan[10..42].iter().all(|picked| picked.len() == 3));
        let few = plan.iter().filter(|picked| picked.len() <= 3).count();
        assert!(few > 9_000, "{few} accounts in one to three services");
        assert_eq!(plan, super::plan(&args), "the same spread every run");
    }
}
