//! The customers a hall holds offline: pages applied whole and only forward, lookups, fuzzy search, the append-only audit with its outbox row.

use super::*;
use customer::gen::{Generator, Household};
use customer::{Day, IdCardNo, Phone};
use store::customers::{AccessWhat, CustomerAccess};
use store::hall::OutboxRow;
use sync_proto::customers::{AccountCopy, CustomerPage};

fn today() -> Day {
    Day::from_ymd(2025, 6, 15).unwrap()
}

fn households(n: usize) -> Vec<Household> {
    Generator::new(7, "EAST", today()).take(n).collect()
}

/// A page of `hs`, versions `first`, `first + 1`, …
fn page(hs: &[Household], first: i64, more: bool, at_ms: i64) -> CustomerPage {
    let accounts: Vec<AccountCopy> = hs
        .iter()
        .enumerate()
        .map(|(i, h)| AccountCopy {
            version: first + i as i64,
            household: h.clone(),
        })
        .collect();
    CustomerPage {
        area: Some("EAST".into()),
        next: accounts.last().map_or(first - 1, |a| a.version),
        accounts,
        more,
        at_ms,
    }
}

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_page_applied_twice_changes_nothing_the_second_time() {
    let store = Store::open_in_memory().await.unwrap();
    let hs = households(30);
    let p = page(&hs, 1, false, 1_000);
    let first = store.apply_page(&p, 5).await.unwrap();
    assert_eq!((first.stored, first.kept), (30, 0));
    let again = store.apply_page(&p, 6).await.unwrap();
    assert_eq!((again.stored, again.kept), (0, 30));
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM customer_account").await,
        30
    );
    let phones: usize = hs.iter().map(|h| h.customer.phones.len()).sum();
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM customer_phone").await,
        phones as i64
    );
    assert_eq!(count(&store, "SELECT COUNT(*) FROM customer_fts").await, 30);
    for (i, h) in hs.iter().enumerate() {
        let held = store.household(&h.account.no).await.unwrap().unwrap();
        assert_eq!(&held.household, h);
        assert_eq!(held.version, 1 + i as i64);
        assert_eq!(held.brought_at_ms, 1_000);
    }
}

#[tokio::test]
async fn an_older_version_never_overwrites_a_newer_one() {
    let store = Store::open_in_memory().await.unwrap();
    let hs = households(2);
    let mut renamed = hs[0].clone();
    renamed.customer.name = "欧阳新名".into();
    store
        .apply_page(&page(std::slice::from_ref(&renamed), 10, false, 2_000), 1)
        .await
        .unwrap();
    // An older copy (version 3) arrives later, with a new account beside it.
    let done = store
        .apply_page(&page(&hs, 3, false, 3_000), 2)
        .await
        .unwrap();
    assert_eq!((done.stored, done.kept), (1, 1));
    let held = store.household(&hs[0].account.no).await.unwrap().unwrap();
    assert_eq!(held.version, 10);
    assert_eq!(held.household.customer.name, "欧阳新名");
    assert_eq!(held.brought_at_ms, 2_000);
    // The search index follows the row that is kept.
    let hits = store.search_customers("欧阳新名", 10).await.unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].account, hs[0].account.no);
    // The mark never goes back.
    assert_eq!(store.customer_mark().await.unwrap().unwrap().version, 10);
}

#[tokio::test]
async fn the_mark_moves_with_the_page_in_one_transaction() {
    let store = Store::open_in_memory().await.unwrap();
    assert_eq!(store.customer_mark().await.unwrap(), None);
    let hs = households(4);
    store
        .apply_page(&page(&hs[..2], 1, true, 1_000), 11)
        .await
        .unwrap();
    let mark = store.customer_mark().await.unwrap().unwrap();
    assert_eq!(
        (
            mark.area.as_deref(),
            mark.version,
            mark.at_ms,
            mark.pulled_at_ms
        ),
        (Some("EAST"), 2, 1_000, 11)
    );
    assert_eq!(mark.caught_up_at_ms, None, "more pages wait");

    // A page failing on its last account keeps nothing of it, and the mark stays.
    let bad = hs[3].account.no.to_string();
    sqlx::query(&format!(
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON customer_account
         WHEN new.account_no = '{bad}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
    ))
    .execute(store.pool())
    .await
    .unwrap();
    assert!(store
        .apply_page(&page(&hs[2..], 3, false, 2_000), 12)
        .await
        .is_err());
    assert!(store.household(&hs[2].account.no).await.unwrap().is_none());
    assert_eq!(store.customer_mark().await.unwrap().unwrap(), mark);

    sqlx::query("DROP TRIGGER temp.refuse")
        .execute(store.pool())
        .await
        .unwrap();
    store
        .apply_page(&page(&hs[2..], 3, false, 2_000), 13)
        .await
        .unwrap();
    let mark = store.customer_mark().await.unwrap().unwrap();
    assert_eq!((mark.version, mark.caught_up_at_ms), (4, Some(2_000)));
    assert!(store.household(&hs[3].account.no).await.unwrap().is_some());
}

#[tokio::test]
async fn search_finds_an_address_fragment_and_a_two_character_name() {
    let store = Store::open_in_memory().await.unwrap();
    let hs = households(300);
    store.apply_page(&page(&hs, 1, false, 1), 1).await.unwrap();

    // Three characters from the middle of an address.
    let h = &hs[17];
    let chars: Vec<char> = h.account.address.chars().collect();
    assert!(chars.len() >= 8, "{}", h.account.address);
    let fragment: String = chars[chars.len() / 2 - 1..chars.len() / 2 + 2]
        .iter()
        .collect();
    let hits = store.search_customers(&fragment, 50).await.unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|x| x.address.contains(&fragment) || x.name.contains(&fragment)),
        "every hit holds {fragment}"
    );
    let with_it = hs
        .iter()
        .filter(|x| x.account.address.contains(&fragment))
        .count();
    if with_it <= 50 {
        assert!(hits.iter().any(|x| x.account == h.account.no), "{fragment}");
    }
    // With the name beside it, that very customer comes first or close.
    let both = format!("{} {fragment}", h.customer.name);
    let hits = store.search_customers(&both, 20).await.unwrap();
    assert!(hits.iter().any(|x| x.account == h.account.no), "{both}");
    assert!(hits
        .iter()
        .all(|x| x.name.contains(h.customer.name.as_str())));

    // A two-character name: too short for trigrams, found by the name's start.
    let two = hs
        .iter()
        .find(|x| x.customer.name.chars().count() == 2)
        .expect("a two-character name among 300");
    let hits = store
        .search_customers(&two.customer.name, 50)
        .await
        .unwrap();
    assert!(hits.iter().any(|x| x.account == two.account.no));
    assert_eq!(hits[0].name, two.customer.name, "the exact name first");
    assert!(hits.iter().all(|x| x.name.starts_with(&two.customer.name)));

    // Nothing, and nothing for blanks.
    assert!(store
        .search_customers("不存在的地址啊", 10)
        .await
        .unwrap()
        .is_empty());
    assert!(store.search_customers("  ", 10).await.unwrap().is_empty());
    // Query syntax is text, not FTS5 syntax.
    assert!(store.search_customers("\"a\" OR *", 10).await.is_ok());
}

#[tokio::test]
async fn id_card_and_phone_find_their_accounts() {
    let store = Store::open_in_memory().await.unwrap();
    let hs = households(60);
    store.apply_page(&page(&hs, 1, false, 1), 1).await.unwrap();
    let person = hs
        .iter()
        .find(|h| h.customer.id_card.is_some() && !h.customer.phones.is_empty())
        .expect("a person with an id card and a phone");
    let id: &IdCardNo = person.customer.id_card.as_ref().unwrap();
    let hits = store.find_by_id_card(id, 10).await.unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].account, person.account.no);
    assert_eq!(hits[0].name, person.customer.name);

    let phone: Phone = person.customer.phones[0];
    let hits = store.find_by_phone(&phone, 10).await.unwrap();
    assert!(hits.iter().any(|h| h.account == person.account.no));
    assert!(hits.iter().all(|h| h.phones.contains(&phone)));

    let nobody = Phone::parse("19900000000").unwrap();
    assert!(store.find_by_phone(&nobody, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_customer_audit_is_append_only_and_replicated() {
    let store = Store::open_in_memory().await.unwrap();
    let line = CustomerAccess {
        id: 0,
        at: 9,
        by: "1001".into(),
        role: "clerk".into(),
        what: AccessWhat::Record,
        account: Some("1234567897".into()),
        query: None,
        hits: 1,
    };
    let row = |l: &CustomerAccess| {
        Some(OutboxRow {
            seq: 0,
            hlc: STAMP.into(),
            kind: "customer_access".into(),
            key: l.id.to_string(),
            body: serde_json::to_string(l).unwrap(),
        })
    };
    let kept = store
        .record_customer_access(line.clone(), row)
        .await
        .unwrap();
    assert!(kept.id > 0);
    assert_eq!(
        store.customer_access(None, 10).await.unwrap(),
        vec![kept.clone()]
    );
    let out = store.outbox_after(0, 10).await.unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].kind, "customer_access");
    assert_eq!(out[0].key, kept.id.to_string());

    for sql in [
        "UPDATE customer_access SET staff_no = '9999'",
        "DELETE FROM customer_access",
    ] {
        let e = sqlx::query(sql).execute(store.pool()).await.unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    assert_eq!(store.customer_access(None, 10).await.unwrap(), vec![kept]);
}
