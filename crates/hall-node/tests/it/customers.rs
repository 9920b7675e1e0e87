//! The counter's customer routes over the hall's offline copy of its area: the record pop with what is owed today, masked identifiers, search, refusals, and one audit line with its outbox row per answered call.

use super::*;
use customer::gen::{Generator, Household};
use customer::{arrears, AccountNo, Day, Fen};
use ipc::customers::{CustomerHits, CustomerRecord, QueryKind};
use std::sync::{Arc, Mutex};
use sync_proto::customers::{AccountCopy, CustomerPage};

/// The node's today, as the routes compute it.
fn today() -> Day {
    Day::from_days(hall_node::clock::Clock::new(480).day() as i32)
}

/// A node holding 200 generated households of area EAST.
async fn node_with_area() -> (Node, Vec<Household>) {
    let n = Node::start().await;
    let hs: Vec<Household> = Generator::new(11, "EAST", today()).take(200).collect();
    let page = CustomerPage {
        area: Some("EAST".into()),
        accounts: hs
            .iter()
            .enumerate()
            .map(|(i, h)| AccountCopy {
                version: i as i64 + 1,
                household: h.clone(),
            })
            .collect(),
        next: hs.len() as i64,
        more: false,
        at_ms: 1_700_000_000_000,
    };
    n.running.store.apply_page(&page, 1).await.unwrap();
    (n, hs)
}

/// (audit lines, customer_access outbox rows).
async fn audited(n: &Node) -> (i64, i64) {
    let pool = n.running.store.pool();
    let lines = sqlx::query_scalar("SELECT COUNT(*) FROM customer_access")
        .fetch_one(pool)
        .await
        .unwrap();
    let rows = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'customer_access'")
        .fetch_one(pool)
        .await
        .unwrap();
    (lines, rows)
}

fn bad_check_digit(no: AccountNo) -> String {
    let s = no.to_string();
    let last = s.as_bytes()[9] - b'0';
    format!("{}{}", &s[..9], (last + 1) % 10)
}

#[tokio::test]
async fn a_clerk_sees_what_is_owed_today_with_identifiers_masked() {
    let (n, hs) = node_with_area().await;
    let clerk = n.login("1001").await;
    let day = today();
    // Someone in arrears, with an ID card and a phone.
    let h = hs
        .iter()
        .find(|h| {
            h.customer.id_card.is_some()
                && !h.customer.phones.is_empty()
                && !arrears::owed(&h.bills, &h.applied, day).is_empty()
        })
        .expect("a person in arrears among 200");
    let (s, v) = n
        .req(
            "GET",
            &format!("/api/v1/customers/{}", h.account.no),
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let r: CustomerRecord = serde_json::from_value(v.clone()).unwrap();
    let owed = arrears::owed(&h.bills, &h.applied, r.today);
    assert_eq!(r.today, day);
    assert_eq!(r.owed, owed);
    let total = owed.iter().fold(Fen::ZERO, |t, o| t + o.total());
    assert!(total.is_positive());
    assert_eq!(r.owed_total, total);

    let id = h.customer.id_card.as_ref().unwrap();
    assert_eq!(r.customer.id_card.as_deref(), Some(id.masked().as_str()));
    let phone = h.customer.phones[0];
    assert_eq!(r.customer.phones[0], phone.masked());
    let text = v.to_string();
    assert!(
        !text.contains(id.as_str()),
        "the whole ID card left the node"
    );
    assert!(
        !text.contains(&phone.to_string()),
        "the whole phone left the node"
    );

    assert_eq!(r.account.no, h.account.no);
    assert_eq!(r.account.address, h.account.address);
    assert_eq!(r.account.meters.len(), h.account.meters.len());
    assert!(r.readings.len() <= 24 && !r.readings.is_empty());
    assert!(r
        .bills
        .iter()
        .all(|b| b.month > day.month().add_months(-24)));
    assert!(r.payments.len() <= 12);
    assert_eq!(r.as_of_ms, 1_700_000_000_000);
    assert_eq!(
        r.version,
        hs.iter().position(|x| x == h).unwrap() as i64 + 1
    );
    assert_eq!(audited(&n).await, (1, 1));

    // A supervisor may open it too.
    let sup = n.login("2001").await;
    let (s, _) = n
        .req(
            "GET",
            &format!("/api/v1/customers/{}", h.account.no),
            Some(&sup),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(audited(&n).await, (2, 2));
    let lines = n
        .running
        .store
        .customer_access(Some(&h.account.no), 10)
        .await
        .unwrap();
    assert_eq!(
        lines
            .iter()
            .map(|l| (l.by.as_str(), l.role.as_str()))
            .collect::<Vec<_>>(),
        [("2001", "supervisor"), ("1001", "clerk")]
    );
}

#[tokio::test]
async fn refusals_say_why_and_only_lookups_are_audited() {
    let (n, hs) = node_with_area().await;
    let clerk = n.login("1001").await;
    let no = hs[0].account.no;

    let (s, v) = n
        .req(
            "GET",
            &format!("/api/v1/customers/{}", bad_check_digit(no)),
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "account_no_invalid")
    );
    assert_eq!(audited(&n).await, (0, 0), "nothing was looked up");

    // A valid number no account of the area has: looked up (audited), not found.
    let unknown = AccountNo::from_serial(999_999_999).unwrap();
    assert!(hs.iter().all(|h| h.account.no != unknown));
    let (s, v) = n
        .req(
            "GET",
            &format!("/api/v1/customers/{unknown}"),
            Some(&clerk),
            None,
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "customer_not_found"));
    assert_eq!(audited(&n).await, (1, 1));

    let emergency = n.login("3001").await;
    for token in [&n.kiosk, &emergency] {
        for path in [
            format!("/api/v1/customers/{no}"),
            "/api/v1/customers?q=%E5%BC%A0".to_owned(),
        ] {
            let (s, v) = n.req("GET", &path, Some(token), None).await;
            assert_eq!(
                (s, code(&v)),
                (StatusCode::FORBIDDEN, "forbidden"),
                "{path}"
            );
        }
    }
    let (s, _) = n
        .req("GET", &format!("/api/v1/customers/{no}"), None, None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    for (q, want) in [
        ("", "customer_query_invalid"),
        (&"长".repeat(61), "customer_query_invalid"),
        ("12345678901", "customer_query_invalid"),
        ("11010519491231002Y", "id_card_invalid"),
        ("110105194912310021", "id_card_invalid"),
        (&bad_check_digit(no), "account_no_invalid"),
    ] {
        let (s, v) = search(&n, &clerk, q).await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, want),
            "{q:?}: {v}"
        );
    }
    assert_eq!(audited(&n).await, (1, 1), "refusals write nothing");
}

async fn search(n: &Node, token: &str, q: &str) -> (StatusCode, Value) {
    let url = reqwest::Url::parse_with_params(&format!("{}/api/v1/customers", n.base), &[("q", q)])
        .unwrap();
    let resp = n.http.get(url).bearer_auth(token).send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap())
}

#[tokio::test]
async fn search_identifies_by_number_or_by_name_and_address() {
    let (n, hs) = node_with_area().await;
    let clerk = n.login("1001").await;
    let h = hs
        .iter()
        .find(|h| h.customer.id_card.is_some() && !h.customer.phones.is_empty())
        .unwrap();
    let fragment: String = {
        let chars: Vec<char> = h.account.address.chars().collect();
        chars[chars.len() - 4..].iter().collect()
    };
    let id = h.customer.id_card.as_ref().unwrap();
    let phone = h.customer.phones[0];
    let cases = [
        (format!("{} {fragment}", h.customer.name), QueryKind::Text),
        (h.account.no.to_string(), QueryKind::Account),
        (id.to_string(), QueryKind::IdCard),
        (phone.to_string(), QueryKind::Phone),
    ];
    for (i, (q, kind)) in cases.iter().enumerate() {
        let (s, v) = search(&n, &clerk, q).await;
        assert_eq!(s, StatusCode::OK, "{q}: {v}");
        let found: CustomerHits = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(found.kind, *kind, "{q}");
        assert!(found.hits.len() <= 20);
        let hit = found
            .hits
            .iter()
            .find(|x| x.account == h.account.no)
            .unwrap_or_else(|| panic!("{q}: {v}"));
        assert_eq!(hit.name, h.customer.name);
        assert_eq!(hit.phone.as_deref(), Some(phone.masked().as_str()));
        assert!(!v.to_string().contains(&phone.to_string()));
        assert_eq!(found.as_of_ms, Some(1_700_000_000_000));
        assert_eq!(audited(&n).await, (i as i64 + 1, i as i64 + 1), "{q}");
    }
    // The audit keeps an ID card and a phone masked, and the account searched for.
    let lines = n.running.store.customer_access(None, 10).await.unwrap();
    assert_eq!(lines[0].query.as_deref(), Some(phone.masked().as_str()));
    assert_eq!(lines[1].query.as_deref(), Some(id.masked().as_str()));
    assert_eq!(lines[2].account, Some(h.account.no.to_string()));
    assert!(lines
        .iter()
        .all(|l| l.what == store::customers::AccessWhat::Search));
    let bodies: Vec<String> =
        sqlx::query_scalar("SELECT body FROM outbox WHERE kind = 'customer_access'")
            .fetch_all(n.running.store.pool())
            .await
            .unwrap();
    assert!(bodies
        .iter()
        .all(|b| !b.contains(id.as_str()) && !b.contains(&phone.to_string())));
}

/// A province serving `hs` in pages of `per_page`, refusing the first call (503).
async fn province(hs: Vec<Household>, per_page: usize) -> (String, Arc<Mutex<Vec<i64>>>) {
    use axum::routing::post;
    let asked: Arc<Mutex<Vec<i64>>> = Arc::default();
    let seen = asked.clone();
    let app = axum::Router::new().route(
        "/sync/v1/customers/pull",
        post(
            move |axum::Json(pull): axum::Json<sync_proto::customers::CustomerPull>| {
                let hs = hs.clone();
                let seen = seen.clone();
                async move {
                    let first = {
                        let mut s = seen.lock().unwrap();
                        s.push(pull.since);
                        s.len() == 1
                    };
                    if first {
                        return Err(axum::http::StatusCode::SERVICE_UNAVAILABLE);
                    }
                    let from = pull.since.max(0) as usize;
                    let to = (from + per_page).min(hs.len());
                    let accounts: Vec<AccountCopy> = (from..to)
                        .map(|i| AccountCopy {
                            version: i as i64 + 1,
                            household: hs[i].clone(),
                        })
                        .collect();
                    Ok(axum::Json(CustomerPage {
                        area: Some("EAST".into()),
                        accounts,
                        next: to as i64,
                        more: to < hs.len(),
                        at_ms: 42,
                    }))
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, asked)
}

#[tokio::test]
async fn the_area_is_pulled_page_by_page_after_a_failure() {
    let hs: Vec<Household> = Generator::new(3, "EAST", today()).take(25).collect();
    let (url, asked) = province(hs.clone(), 10).await;
    let n = Node::start_with(|o| hall_node::Options {
        province: Some(hall_node::uplink::Province {
            url,
            token: "t".into(),
        }),
        ..o
    })
    .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let mark = n.running.store.customer_mark().await.unwrap();
        if mark.as_ref().is_some_and(|m| m.caught_up_at_ms.is_some()) {
            assert_eq!(mark.unwrap().version, 25);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not caught up in 10 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for h in &hs {
        let held = n
            .running
            .store
            .household(&h.account.no)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&held.household, h);
    }
    // Refused once, then from the mark: 0 again, 10, 20; then it waits 30 s.
    assert_eq!(*asked.lock().unwrap(), [0, 0, 10, 20]);
}
