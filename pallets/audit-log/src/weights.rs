//! PROVISIONAL weights: replaced by `scripts/bench-weights.sh` output (benchmark CLI).

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed for `pallet_audit_log`.
pub trait WeightInfo {
	fn submit_batch(n: u32, ) -> Weight;
	fn append(l: u32, ) -> Weight;
}

/// Weights for `pallet_audit_log` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn submit_batch(n: u32, ) -> Weight {
		Weight::from_parts(20_000_000, 4000)
			.saturating_add(Weight::from_parts(30_000_000, 4000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads_writes(3, 0))
			.saturating_add(T::DbWeight::get().reads_writes(4, 4).saturating_mul(n.into()))
	}
	fn append(_l: u32, ) -> Weight {
		Weight::from_parts(30_000_000, 4000).saturating_add(T::DbWeight::get().reads_writes(2, 4))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn submit_batch(n: u32, ) -> Weight {
		Weight::from_parts(20_000_000, 4000)
			.saturating_add(Weight::from_parts(30_000_000, 4000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(3, 0))
			.saturating_add(RocksDbWeight::get().reads_writes(4, 4).saturating_mul(n.into()))
	}
	fn append(_l: u32, ) -> Weight {
		Weight::from_parts(30_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(2, 4))
	}
}
