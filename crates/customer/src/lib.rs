//! The customer information model as pure rules (营业厅 Suite, issue 16 "Serving the customer at the counter"): identifiers, money, dates, customers and accounts, billing, late fees, payments, cash-up, prepaid, notice lists and a demo-data generator.
//!
//! Shared by the province server, the hall node, the desktop and the wasm
//! UI. It owns the rules and the shapes; it must never know IO, SQL, HTTP,
//! the clock or threads: today's date and the time of an event are always
//! arguments, the stores keep what comes out. It builds for wasm32.
//!
//! - [`ids`]: 户号 (Luhn check digit), 居民身份证号码 (GB 11643, MOD 11-2),
//!   mobile numbers; parsed, masked for screens, serde through `parse`.
//! - [`money`]: [`Fen`], reading an amount typed in yuan, `¥1,234.56`.
//! - [`date`]: [`Day`] and [`Month`], civil dates without a clock.
//! - [`model`]: customers, accounts, meters and seals, readings, bills,
//!   payments, each with a `check()` of its bounds.
//! - [`billing`]: the residential tiered and business flat tariffs.
//! - [`arrears`]: what each bill owes on a day, late fees per 《供电营业规则》.
//! - [`payment`]: allocating a payment (oldest bill, fee before principal),
//!   the counter's idempotency key and the ledger rule on it.
//! - [`cashup`]: a clerk's 日结.
//! - [`prepaid`]: smart payment's low / cut-off / reconnect machine.
//! - [`notices`]: who to tell of a low balance, arrears, a planned outage.
//! - [`gen`]: a deterministic, streaming generator of realistic demo data.

pub mod arrears;
pub mod billing;
pub mod cashup;
pub mod date;
pub mod gen;
pub mod ids;
pub mod model;
pub mod money;
pub mod notices;
pub mod payment;
pub mod prepaid;

pub use arrears::{owed, Applied, Owed};
pub use billing::{bill_for, bill_of};
pub use cashup::{cash_up, CashUp};
pub use date::{DateError, Day, Month};
pub use gen::{generate, DataSet, Generator, Household};
pub use ids::{AccountNo, IdCardNo, IdError, IdKind, Phone};
pub use model::{
    Account, Bill, BillLine, CreditGrade, Customer, CustomerId, CustomerKind, LineItem, Meter,
    ModelError, PayMethod, Payment, Prepaid, PricePerKwh, Reading, Seal, SealState, ServiceGrade,
    Tariff,
};
pub use money::{Fen, MoneyError, MAX_PAYMENT};
pub use notices::{Notice, Outage, Reason};
pub use payment::{allocate, Allocation, Conflict, Ledger, PaymentKey, Recorded};
pub use prepaid::{PrepaidEvent, PrepaidMachine, PrepaidOutput, PrepaidState};
