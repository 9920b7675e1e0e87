//! The province's customer records: a generated area pulled by its hall page by page (every account once, in version order, resumable), a changed account pulled again, a hall without an area gets nothing, one account looked up from outside the area, and the refusals as `{code, message, message_en}`.

use super::*;
use customer::{AccountNo, Day};
use sync_proto::customers::{
    AccountCopy, CustomerAccessLine, CustomerPage, CustomerPull, MAX_PAGE,
};
use sync_proto::owned::BusinessRecord;
use sync_proto::ProvinceRefusal;

#[tokio::test]
async fn a_hall_pulls_its_area_of_customers_page_by_page() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        area_pull(&db).await;
    }
}

async fn pull(http: &Client, base: &str, token: &str, since: i64, limit: u32) -> reqwest::Response {
    http.post(format!("{base}/sync/v1/customers/pull"))
        .bearer_auth(token)
        .json(&CustomerPull {
            version: PROTOCOL_VERSION,
            since,
            limit,
        })
        .send()
        .await
        .unwrap()
}

/// The province's catalogue (business A) and hall H0101's set-up, in area EAST.
async fn in_area_east(http: &Client, base: &str, admin: &str) {
    let a = BusinessRecord {
        name_zh: "电费缴纳".into(),
        name_en: "Payment".into(),
        default_service_secs: 300,
    };
    let r = http
        .put(format!("{base}/admin/v1/businesses/A"))
        .bearer_auth(admin)
        .json(&a)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let setup = json!({"counters": [{"no": 1, "skills": ["A"]}], "area": "EAST"});
    let r = http
        .put(format!("{base}/admin/v1/halls/H0101/setup"))
        .bearer_auth(admin)
        .json(&setup)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
}

async fn refused(r: reqwest::Response, status: StatusCode, code: &str) {
    assert_eq!(r.status(), status);
    let body: ProvinceRefusal = r.json().await.unwrap();
    assert_eq!(body.code, code, "{body:?}");
    assert!(body
        .message
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    assert!(!body.message_en.is_empty());
}

async fn area_pull(db: &str) {
    eprintln!("customers against {db}");
    let h1 = add_hall(db);
    let h2 = register(db, &["--add-hall", "H0202", "城西供电营业厅"]);
    let admin = register(db, &["--add-maintainer", "运维"]);
    let today = Day::from_ymd(2026, 12, 8).unwrap();
    {
        let pool = server::connect(db).await.unwrap();
        assert_eq!(
            server::customers::generate(&pool, "EAST", 2_500, 7, today)
                .await
                .unwrap(),
            2_500
        );
        server::customers::generate(&pool, "WEST", 300, 7, today)
            .await
            .unwrap();
        pool.close().await;
    }
    let port = free_port();
    let mut prov = province(db, port);
    let base = format!("http://127.0.0.1:{port}");
    let http = Client::new();
    in_area_east(&http, &base, &admin).await;

    // Page by page, in version order, every account of the area once.
    let mut since = 0;
    let mut seen = std::collections::BTreeSet::new();
    let mut pages = 0;
    loop {
        let page: CustomerPage = pull(&http, &base, &h1, since, MAX_PAGE)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page.area.as_deref(), Some("EAST"));
        let versions: Vec<i64> = page.accounts.iter().map(|a| a.version).collect();
        assert!(versions.windows(2).all(|w| w[0] < w[1]), "in version order");
        assert!(versions.iter().all(|v| *v > since));
        for a in &page.accounts {
            assert_eq!(a.household.account.area, "EAST");
            assert!(seen.insert(a.household.account.no), "each account once");
        }
        pages += 1;
        since = page.next;
        if !page.more {
            break;
        }
    }
    assert_eq!((seen.len(), pages), (2_500, 2));
    let empty: CustomerPage = pull(&http, &base, &h1, since, 10)
        .await
        .json()
        .await
        .unwrap();
    assert!(empty.accounts.is_empty() && !empty.more && empty.next == since);

    // A changed account comes again, under a later version.
    let changed = {
        let pool = server::connect(db).await.unwrap();
        let mut h = customer::Generator::new(7, "EAST", today)
            .household(3)
            .unwrap();
        h.customer.name = "王晓明".into();
        server::customers::put(&pool, std::slice::from_ref(&h))
            .await
            .unwrap();
        pool.close().await;
        h
    };
    let page: CustomerPage = pull(&http, &base, &h1, since, 10)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.accounts.len(), 1);
    assert_eq!(page.accounts[0].household, changed);
    assert!(page.accounts[0].version > since);

    // A hall without an area gets nothing; one account from outside is looked up.
    let none: CustomerPage = pull(&http, &base, &h2, 0, 10).await.json().await.unwrap();
    assert!(none.area.is_none() && none.accounts.is_empty());
    let west = customer::Generator::new(7, "WEST", today)
        .household(0)
        .unwrap();
    let got: AccountCopy = http
        .get(format!("{base}/sync/v1/customers/{}", west.account.no))
        .bearer_auth(&h1)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got.household, west);

    // Refusals.
    refused(
        pull(&http, &base, &h1, 0, 0).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    refused(
        pull(&http, &base, &h1, 0, MAX_PAGE + 1).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
    )
    .await;
    refused(
        pull(&http, &base, &admin, 0, 10).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let old = http
        .post(format!("{base}/sync/v1/customers/pull"))
        .bearer_auth(&h1)
        .json(&CustomerPull {
            version: 0,
            since: 0,
            limit: 10,
        })
        .send()
        .await
        .unwrap();
    refused(old, StatusCode::CONFLICT, "update_required").await;
    let good = west.account.no.to_string();
    let bad_digit = format!("{}{}", &good[..9], (good.as_bytes()[9] - b'0' + 1) % 10);
    let lookup = |no: String, token: String| {
        let http = http.clone();
        let url = format!("{base}/sync/v1/customers/{no}");
        async move { http.get(url).bearer_auth(token).send().await.unwrap() }
    };
    refused(
        lookup(bad_digit, h1.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "account_no_invalid",
    )
    .await;
    let unknown = AccountNo::from_serial(999_999_999).unwrap().to_string();
    refused(
        lookup(unknown, h1.clone()).await,
        StatusCode::NOT_FOUND,
        "no_customer",
    )
    .await;
    refused(
        lookup(good, String::new()).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    kill(&mut prov);
}

#[tokio::test]
async fn a_hall_serves_its_area_of_customers_with_the_province_away() {
    let dir = tempfile::tempdir().unwrap();
    for db in backends(dir.path()).await {
        offline_area(&db).await;
    }
}

async fn offline_area(db: &str) {
    use ipc::customers::{CustomerHits, CustomerRecord};
    eprintln!("a hall's area offline against {db}");
    let h1 = add_hall(db);
    let admin = register(db, &["--add-maintainer", "运维"]);
    let today = Day::from_millis_cst(server::now_ms());
    {
        let pool = server::connect(db).await.unwrap();
        server::customers::generate(&pool, "EAST", 1_200, 11, today)
            .await
            .unwrap();
        server::customers::generate(&pool, "WEST", 20, 11, today)
            .await
            .unwrap();
        pool.close().await;
    }
    let port = free_port();
    let mut prov = province(db, port);
    let base = format!("http://127.0.0.1:{port}");
    let http = Client::new();
    in_area_east(&http, &base, &admin).await;

    let work = tempfile::tempdir().unwrap();
    let node = hall_node::start(hall_options(work.path(), &base, &h1))
        .await
        .unwrap();
    let at = format!("http://{}", node.addr);
    let req = ipc::LoginRequest {
        staff_no: "1001".into(),
        password: "demo-1001".into(),
    };
    let clerk = http
        .post(format!("{at}/api/v1/sessions"))
        .json(&req)
        .send()
        .await
        .unwrap()
        .json::<ipc::hall::SessionReply>()
        .await
        .unwrap()
        .token;
    let gen = |i| {
        customer::Generator::new(11, "EAST", today)
            .household(i)
            .unwrap()
    };
    let record = |no: AccountNo| {
        let http = http.clone();
        let url = format!("{at}/api/v1/customers/{no}");
        let token = clerk.clone();
        async move { http.get(url).bearer_auth(token).send().await.unwrap() }
    };
    // The whole area arrives (the last account generated is there).
    let last = gen(1_199);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !record(last.account.no).await.status().is_success() {
        assert!(Instant::now() < deadline, "the area never reached the hall");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let check = |r: CustomerRecord, h: &customer::Household| {
        assert_eq!(r.account.no, h.account.no);
        assert_eq!(r.customer.name, h.customer.name);
        let owed = customer::owed(&h.bills, &h.applied, r.today);
        assert_eq!(r.owed, owed);
        if let Some(card) = &r.customer.id_card {
            assert!(card.contains('*'), "the id card is masked: {card}");
        }
    };
    // Someone in arrears, so the owed figure is not trivially empty.
    let debtor = (0..1_200)
        .map(gen)
        .find(|h| !customer::owed(&h.bills, &h.applied, today).is_empty())
        .expect("the generator puts a few percent in arrears");
    let got: CustomerRecord = record(debtor.account.no).await.json().await.unwrap();
    assert!(got.owed_total.0 > 0);
    check(got, &debtor);
    let as_of = {
        let r: CustomerRecord = record(last.account.no).await.json().await.unwrap();
        r.as_of_ms
    };

    // Another area's customer is not held here.
    let west = customer::Generator::new(11, "WEST", today)
        .household(0)
        .unwrap();
    assert_eq!(
        record(west.account.no).await.status(),
        StatusCode::NOT_FOUND
    );

    // The province learns who looked at whom (the audit replicates).
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let lines: Vec<CustomerAccessLine> = http
            .get(format!("{base}/admin/v1/halls/H0101/customer-access"))
            .query(&[("account", debtor.account.no.to_string())])
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(line) = lines.first() {
            assert_eq!(
                (line.by_staff.as_str(), line.what.as_str()),
                ("1001", "record")
            );
            assert_eq!(lines.len(), 1, "one look, one line: {lines:?}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the audit never reached the province"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The province away: the counter still has the record, and says how old it is.
    kill(&mut prov);
    let r = record(last.account.no).await;
    assert!(r.status().is_success());
    let r: CustomerRecord = r.json().await.unwrap();
    assert!(r.as_of_ms >= as_of && r.as_of_ms <= server::now_ms());
    check(r, &last);
    let hits: CustomerHits = http
        .get(format!("{at}/api/v1/customers"))
        .query(&[("q", last.customer.name.as_str())])
        .bearer_auth(&clerk)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        hits.hits.iter().any(|h| h.account == last.account.no),
        "found by name offline: {hits:?}"
    );
    node.stop().await;
}
