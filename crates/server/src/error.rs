//! The province's one refusal: an HTTP status, a stable code, and the message in Chinese and English (`{code, message, message_en}`).
//!
//! Every route answers its refusals in this shape, except the replication
//! protocol's own answers on `/sync/v1/upload` and `/sync/v1/pull`
//! (`sync_proto::Refusal`), which hall nodes read.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug)]
pub struct ProvinceError {
    status: StatusCode,
    code: &'static str,
    zh: String,
    en: String,
}

impl ProvinceError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// 422 `invalid`: the input breaks a rule; the message says which.
    pub fn invalid(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", zh, en)
    }

    /// 500 `internal`; the cause goes to the log, never to the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "省级服务器内部错误，请稍后重试",
            "Internal error at the province; try again later",
        )
    }

    /// 401 `unauthorized`: no hall's valid token.
    pub fn no_hall() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "需要营业厅凭证",
            "A hall credential is required",
        )
    }

    /// 401 `unauthorized`: no maintainer's valid token.
    pub fn no_maintainer() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "需要运维人员凭证",
            "A maintainer credential is required",
        )
    }

    /// 404 `no_hall`.
    pub fn unknown_hall(code: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "no_hall",
            format!("营业厅 {code} 不存在"),
            format!("There is no hall {code}"),
        )
    }

    /// 400 `bad_body`: the body does not parse as the call's input.
    pub fn bad_body(cause: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_body",
            format!("请求内容无法识别：{cause}"),
            format!("The request body is not understood: {cause}"),
        )
    }
}

impl From<sqlx::Error> for ProvinceError {
    fn from(e: sqlx::Error) -> Self {
        Self::internal(e)
    }
}

impl IntoResponse for ProvinceError {
    fn into_response(self) -> Response {
        let body = sync_proto::ProvinceRefusal {
            code: self.code.to_owned(),
            message: self.zh,
            message_en: self.en,
        };
        (self.status, Json(body)).into_response()
    }
}
