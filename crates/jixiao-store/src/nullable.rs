//! A work-around for sqlx 0.9's `Any` driver, which binds a NULL `f64` as PostgreSQL `float4`
//! (`AnyValueKind::Null(Double)` is mapped to `Option<f32>`, and `Null(Real)` to `Option<f64>`,
//! in `sqlx-core/src/any/arguments.rs`). A cached statement first run with NULL then declares a
//! `float4` parameter, and the next run with a value fails with "incorrect binary data format".
//! Every nullable float is bound through [`OptF64`], which declares its NULL as `float8`.

use sqlx::Database;
use sqlx::any::AnyTypeInfo;
use sqlx::encode::{Encode, IsNull};
use sqlx::error::BoxDynError;
use sqlx::{Any, Type};

/// An optional `f64` bound with the right type on both databases.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OptF64(pub Option<f64>);

impl Type<Any> for OptF64 {
    fn type_info() -> AnyTypeInfo {
        <f64 as Type<Any>>::type_info()
    }
}

impl<'q> Encode<'q, Any> for OptF64 {
    fn encode_by_ref(
        &self,
        buf: &mut <Any as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        match self.0 {
            Some(v) => <f64 as Encode<'q, Any>>::encode_by_ref(&v, buf),
            // `Option<f32>`'s NULL is the one the driver binds as float8 (see the module docs).
            None => <Option<f32> as Encode<'q, Any>>::encode_by_ref(&None, buf),
        }
    }
}
