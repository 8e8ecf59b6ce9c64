//! jixiao-web
