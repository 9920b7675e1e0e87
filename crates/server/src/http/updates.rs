//! `POST /sync/v1/updates/offer` and `GET /sync/v1/releases/{version}/{target}` (hall token): which release a hall should install, and its artifact.

use super::auth::Hall;
use super::body;
use super::edge::{JsonBody, Path};
use super::releases::no_release;
use crate::error::ProvinceError;
use crate::rollout::{self, Channel, Release, State as RolloutState, Version};
use crate::{db, AppState};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sync_proto::{Offer, OfferReply, OfferRequest};
use tower::ServiceExt;
use tower_http::services::ServeFile;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sync/v1/updates/offer", post(offer))
        .route("/sync/v1/releases/{version}/{target}", get(download))
}

/// `POST /sync/v1/updates/offer`: the release this hall should install, if any.
async fn offer(
    State(s): State<AppState>,
    Hall(hall): Hall,
    bytes: JsonBody,
) -> Result<Json<OfferReply>, ProvinceError> {
    let req: OfferRequest = body(&bytes)?;
    if let Err(r) = sync_proto::check_version(req.version) {
        return Err(ProvinceError::new(
            StatusCode::CONFLICT,
            "refused",
            "营业厅与省级服务器的协议版本不一致，请先更新",
            format!("The protocol versions do not match: {r:?}"),
        ));
    }
    let Some(current) = Version::parse(&req.current_version) else {
        return Err(ProvinceError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_version",
            "当前版本号应为 主.次.修订（如 1.4.2）",
            "The current version is major.minor.patch (e.g. 1.4.2)",
        ));
    };
    let offer = find_offer(&s, &hall, &req.target, current).await?;
    Ok(Json(OfferReply { offer }))
}

async fn find_offer(
    s: &AppState,
    hall: &str,
    target: &str,
    current: Version,
) -> Result<Option<Offer>, sqlx::Error> {
    let pilot = Channel::parse(&db::halls::channel(&s.pool, hall).await?) == Some(Channel::Pilot);
    // Only releases with an artifact for this target can be offered.
    let mut releases: Vec<Release> = db::releases::with_target(&s.pool, target)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(Release {
                version: Version::parse(&r.version)?,
                channel: Channel::parse(&r.channel)?,
                percent: u8::try_from(r.percent).ok()?,
                state: RolloutState::parse(&r.state)?,
            })
        })
        .collect();
    // The current release decides a rollback even without an artifact for this target.
    let here = db::releases::state(&s.pool, &current.to_string()).await?;
    if here.as_deref().and_then(RolloutState::parse) == Some(RolloutState::Withdrawn)
        && !releases.iter().any(|r| r.version == current)
    {
        releases.push(Release {
            version: current,
            channel: Channel::All,
            percent: 0,
            state: RolloutState::Withdrawn,
        });
    }
    let Some(chosen) = rollout::offer(&releases, pilot, rollout::bucket(hall), current) else {
        return Ok(None);
    };
    let v = chosen.version.to_string();
    let (Some(release), Some(artifact)) = (
        db::releases::one(&s.pool, &v).await?,
        db::releases::artifact(&s.pool, &v, target).await?,
    ) else {
        return Err(sqlx::Error::RowNotFound);
    };
    Ok(Some(Offer {
        version: v,
        notes: release.notes,
        published_at_ms: release.published_at_ms,
        target: target.to_owned(),
        file_name: artifact.file_name,
        sha256: artifact.sha256,
        size: u64::try_from(artifact.size).unwrap_or(0),
        signature: artifact.signature,
        rollback: chosen.version < current,
    }))
}

/// `GET /sync/v1/releases/{version}/{target}`: the artifact, resumable with `Range`.
async fn download(
    State(s): State<AppState>,
    Path((version, target)): Path<(String, String)>,
    _: Hall,
    req: Request,
) -> Result<Response, ProvinceError> {
    let Some(sha) = db::releases::downloadable(&s.pool, &version, &target).await? else {
        return Err(no_release(&format!("{version} ({target})")));
    };
    let path = s.release_dir.join(&sha);
    if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Err(ProvinceError::internal(format!(
            "artifact {sha} is missing from the release directory"
        )));
    }
    match ServeFile::new(path).oneshot(req).await {
        Ok(r) => Ok(r.into_response()),
        Err(e) => Err(ProvinceError::internal(format!(
            "artifact {sha} unreadable: {e}"
        ))),
    }
}
