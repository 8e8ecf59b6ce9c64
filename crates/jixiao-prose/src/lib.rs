//! jixiao-prose
