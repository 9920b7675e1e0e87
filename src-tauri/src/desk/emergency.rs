//! The emergency console through the hall node: the picture, starting and declining plans, drills, acting on an incident, its report, the public-safety button, and a planner's publication or withdrawal of a plan.

use super::Desk;
use ipc::emergency::{
    ActOn, Activate, EmergencyView, HandOverRequest, Incident, IncidentAct, IncidentDetail,
    IncidentSummary, LevelRequest, PlanDraft, PlanPublished, PlanRef, TextRequest,
};
use ipc::hall::Empty;
use ipc::{ApiError, ErrorCode};

/// A step or plan id goes into a path: only a well-formed one may.
fn step_ok(raw: &str) -> bool {
    ipc::emergency::limits::id_ok(raw)
}

impl Desk {
    pub async fn emergency_state(&self) -> Result<EmergencyView, ApiError> {
        self.get("/api/v1/emergency").await
    }

    pub async fn emergency_start(&self, req: Activate) -> Result<Incident, ApiError> {
        self.post("/api/v1/emergency/activate", &req).await
    }

    pub async fn emergency_decline(&self, req: PlanRef) -> Result<Empty, ApiError> {
        self.post("/api/v1/emergency/decline", &req).await
    }

    pub async fn emergency_drill(&self, req: PlanRef) -> Result<Empty, ApiError> {
        self.post("/api/v1/emergency/drill", &req).await
    }

    pub async fn emergency_act(&self, req: ActOn) -> Result<Incident, ApiError> {
        let base = format!("/api/v1/emergency/incidents/{}", req.incident);
        match req.act {
            IncidentAct::Ack { step } => {
                if !step_ok(&step) {
                    return Err(ApiError::new(ErrorCode::UnknownStep));
                }
                self.post(&format!("{base}/steps/{step}/ack"), &Empty {})
                    .await
            }
            IncidentAct::Level { up } => {
                self.post(&format!("{base}/level"), &LevelRequest { up })
                    .await
            }
            IncidentAct::HandOver { to } => {
                self.post(&format!("{base}/handover"), &HandOverRequest { to })
                    .await
            }
            IncidentAct::Note { text } => {
                self.post(&format!("{base}/notes"), &TextRequest { text })
                    .await
            }
            IncidentAct::Terminate { summary } => {
                self.post(&format!("{base}/terminate"), &TextRequest { text: summary })
                    .await
            }
        }
    }

    pub async fn emergency_history(&self) -> Result<Vec<IncidentSummary>, ApiError> {
        self.get("/api/v1/emergency/incidents").await
    }

    pub async fn emergency_incident(&self, id: u64) -> Result<IncidentDetail, ApiError> {
        self.get(&format!("/api/v1/emergency/incidents/{id}")).await
    }

    pub async fn plan_publish(&self, draft: PlanDraft) -> Result<PlanPublished, ApiError> {
        if !step_ok(&draft.plan.id) {
            return Err(ApiError::new(ErrorCode::PlanInvalid));
        }
        let path = format!("/api/v1/emergency/plans/{}", draft.plan.id);
        let token = self.session.token()?;
        self.hall.put(&path, &token, &draft).await
    }

    pub async fn plan_withdraw(&self, req: PlanRef) -> Result<PlanPublished, ApiError> {
        if !step_ok(&req.plan) {
            return Err(ApiError::new(ErrorCode::UnknownPlan));
        }
        self.post(
            &format!("/api/v1/emergency/plans/{}/withdraw", req.plan),
            &Empty {},
        )
        .await
    }

    pub async fn public_safety(&self) -> Result<Empty, ApiError> {
        self.post("/api/v1/emergency/public-safety", &Empty {})
            .await
    }
}
