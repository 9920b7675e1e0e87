//! The demo hall and its accounts, seeded into an empty database so the suite runs with no setup.
//!
//! The passwords are public (the login screen lists them in demo mode) and a
//! demo account stops being listed once its password is changed. A node
//! provisioned from the province never gets these.

use crate::accounts::{hash_password, insert_account, Account};
use crate::{Result, Store};
use domain::{HallCode, Role, StaffName, StaffNo};

pub const HALL_CODE: &str = "H0101";
pub const HALL_NAME: &str = "城东供电营业厅";

/// (staff number, name, role, password)
pub const ACCOUNTS: [(&str, &str, Role, &str); 5] = [
    ("1001", "李静", Role::Clerk, "demo-1001"),
    ("1002", "王磊", Role::Clerk, "demo-1002"),
    ("2001", "陈芳", Role::Supervisor, "demo-2001"),
    ("3001", "赵强", Role::Emergency, "demo-3001"),
    ("4001", "钱敏", Role::Planner, "demo-4001"),
];

impl Store {
    /// Seeds the demo hall when the database has no hall yet. Returns whether it seeded.
    pub async fn seed_demo_if_empty(&self) -> Result<bool> {
        let halls: i64 = sqlx::query_scalar("SELECT count(*) FROM hall")
            .fetch_one(self.pool())
            .await?;
        if halls > 0 {
            return Ok(false);
        }
        let hall = HallCode::parse(HALL_CODE).expect("demo hall code is valid");
        // Hash first: the inserts then commit as one transaction, so a crash
        // leaves either nothing or the whole demo hall.
        let mut accounts = Vec::new();
        for (no, name, role, password) in ACCOUNTS {
            let account = Account {
                staff_no: StaffNo::parse(no).expect("demo staff number is valid"),
                name: StaffName::parse(name).expect("demo name is valid"),
                role,
                hall_code: hall.clone(),
            };
            accounts.push((account, hash_password(password.to_owned()).await?));
        }
        let mut tx = self.pool().begin().await?;
        sqlx::query("INSERT INTO hall (code, name) VALUES (?, ?)")
            .bind(hall.as_str())
            .bind(HALL_NAME)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO setting (key, value) VALUES ('this_hall', ?), ('demo', '1')")
            .bind(hall.as_str())
            .execute(&mut *tx)
            .await?;
        for (account, hash) in &accounts {
            insert_account(&mut tx, account, hash).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    pub async fn is_demo(&self) -> Result<bool> {
        Ok(self.setting("demo").await?.as_deref() == Some("1"))
    }
}
