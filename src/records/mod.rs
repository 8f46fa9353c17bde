//! What each kind of record says: the data its template (`templates/*.hbs`) renders,
//! every value already phrased in the user's language, so templates only lay it out and
//! [`crate::record`] only renders, signs and writes. No law is decided here.

pub mod account_life;
pub mod assessment;
pub mod breach;
pub mod labels;
pub mod photo;
pub mod summary;
pub mod words;
