//! jixiao-office
