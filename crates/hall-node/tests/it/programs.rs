//! Programs on the hall's screens: the supervisor's local notices (and who may not add them), what the call display shows now, the cached media files.

use super::{code, Node};
use ipc::hall::DisplayState;
use ipc::programs::{Content, NewNotice, Origin, Program, ScreensView, MAX_LOCAL};
use reqwest::StatusCode;
use serde_json::json;

fn notice(title: &str, text: &str, scroll: bool) -> serde_json::Value {
    serde_json::to_value(NewNotice {
        title: title.into(),
        text: text.into(),
        scroll,
        seconds: None,
        until_ms: None,
    })
    .unwrap()
}

async fn display(n: &Node) -> DisplayState {
    let (s, v) = n
        .req("GET", "/api/v1/display", Some(&n.display), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    serde_json::from_value(v).unwrap()
}

#[tokio::test]
async fn a_supervisor_puts_local_notices_on_the_call_display() {
    let n = Node::start().await;
    let supervisor = n.login("2001").await;
    let clerk = n.login("1001").await;

    // Nothing published: the display shows only calls.
    let screen = display(&n).await.screen.unwrap();
    assert_eq!((screen.program, screen.ticker.len()), (None, 0));

    // Only a supervisor lists or adds programs; refusals are {code, message} in Chinese.
    let body = notice("营业时间", "周一至周日 8:30–17:30", false);
    for (token, status, why) in [
        (None, StatusCode::UNAUTHORIZED, "unauthorized"),
        (Some(clerk.as_str()), StatusCode::FORBIDDEN, "forbidden"),
        (Some(n.display.as_str()), StatusCode::FORBIDDEN, "forbidden"),
    ] {
        for (method, b) in [("GET", None), ("POST", Some(body.clone()))] {
            let (s, v) = n.req(method, "/api/v1/programs", token, b).await;
            assert_eq!((s, code(&v)), (status, why), "{method} {v}");
            assert!(super::edges::has_cjk(v["message"].as_str().unwrap()), "{v}");
        }
    }
    let (s, v) = n
        .req("DELETE", "/api/v1/programs/x", Some(&clerk), None)
        .await;
    assert_eq!((s, code(&v)), (StatusCode::FORBIDDEN, "forbidden"));

    // Bounded: title, text, time on screen, end.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    for bad in [
        notice(" ", "内容", false),
        notice(&"标".repeat(41), "内容", false),
        notice("标题", &"字".repeat(501), false),
        json!({"title": "标题", "text": "内容", "seconds": 3}),
        json!({"title": "标题", "text": "内容", "until_ms": now - 1000}),
        json!({"title": "标题", "text": "内容", "until_ms": now + 100 * 86_400_000i64}),
    ] {
        let (s, v) = n
            .req(
                "POST",
                "/api/v1/programs",
                Some(&supervisor),
                Some(bad.clone()),
            )
            .await;
        assert_eq!(
            (s, code(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, "program_invalid"),
            "{bad}: {v}"
        );
    }
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/programs",
            Some(&supervisor),
            Some(json!({"title": "t", "text": "x", "colour": "red"})),
        )
        .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::UNPROCESSABLE_ENTITY, "bad_request")
    );

    // A notice and a scrolling text: on the display at once.
    let (s, v) = n
        .req("POST", "/api/v1/programs", Some(&supervisor), Some(body))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let hours: Program = serde_json::from_value(v).unwrap();
    assert_eq!(hours.origin, Origin::Hall);
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/programs",
            Some(&supervisor),
            Some(notice("高峰提示", "业务高峰请使用自助终端", true)),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let _: Program = serde_json::from_value(v).unwrap();

    let screen = display(&n).await.screen.unwrap();
    assert_eq!(screen.program.as_ref().map(|p| &p.id), Some(&hours.id));
    assert!(matches!(
        screen.program.unwrap().content,
        Content::Notice { .. }
    ));
    assert_eq!(screen.ticker, ["业务高峰请使用自助终端"]);
    assert!(screen.until.is_some());

    // The board sees the same, with the displays it is on.
    let (s, v) = n
        .req("GET", "/api/v1/programs", Some(&supervisor), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let view: ScreensView = serde_json::from_value(v).unwrap();
    assert_eq!(view.now.program.map(|p| p.id), Some(hours.id.clone()));
    assert_eq!(view.programs.len(), 2);
    assert!(view.programs.iter().all(|p| p.ready && p.on_now));
    assert!(view.displays.iter().any(|d| d.device == "t-display"));

    // Removing: an unknown one is refused; a removed one is gone from the display.
    let (s, v) = n
        .req("DELETE", "/api/v1/programs/nope", Some(&supervisor), None)
        .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "unknown_program"));
    let (s, _) = n
        .req(
            "DELETE",
            &format!("/api/v1/programs/{}", hours.id),
            Some(&supervisor),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let screen = display(&n).await.screen.unwrap();
    assert_eq!((screen.program, screen.ticker.len()), (None, 1));

    // A media file that is not cached is not served, to anyone.
    let path = format!("/api/v1/programs/assets/{}", "ab".repeat(32));
    let (s, v) = n.req("GET", &path, Some(&n.display), None).await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    let (s, _) = n.req("GET", &path, Some(&n.kiosk), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // At most MAX_LOCAL local notices.
    for i in 1..MAX_LOCAL {
        let (s, v) = n
            .req(
                "POST",
                "/api/v1/programs",
                Some(&supervisor),
                Some(notice(&format!("公告{i}"), "内容", false)),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{i}: {v}");
    }
    let (s, v) = n
        .req(
            "POST",
            "/api/v1/programs",
            Some(&supervisor),
            Some(notice("再一条", "内容", false)),
        )
        .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "too_many_programs"));
}
