//! PROVISIONAL weights: replaced by `scripts/bench-weights.sh` output (benchmark CLI).

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed for `pallet_consent`.
pub trait WeightInfo {
	fn grant(r: u32, ) -> Weight;
	fn revoke() -> Weight;
	fn open_emergency_access() -> Weight;
	fn end_emergency_access() -> Weight;
	fn set_max_emergency_duration() -> Weight;
}

/// Weights for `pallet_consent` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn grant(_r: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 8000).saturating_add(T::DbWeight::get().reads_writes(10, 10))
	}
	fn revoke() -> Weight {
		Weight::from_parts(50_000_000, 8000).saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn open_emergency_access() -> Weight {
		Weight::from_parts(60_000_000, 8000).saturating_add(T::DbWeight::get().reads_writes(10, 8))
	}
	fn end_emergency_access() -> Weight {
		Weight::from_parts(30_000_000, 4000).saturating_add(T::DbWeight::get().reads_writes(4, 1))
	}
	fn set_max_emergency_duration() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(T::DbWeight::get().writes(1))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn grant(_r: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 8000).saturating_add(RocksDbWeight::get().reads_writes(10, 10))
	}
	fn revoke() -> Weight {
		Weight::from_parts(50_000_000, 8000).saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn open_emergency_access() -> Weight {
		Weight::from_parts(60_000_000, 8000).saturating_add(RocksDbWeight::get().reads_writes(10, 8))
	}
	fn end_emergency_access() -> Weight {
		Weight::from_parts(30_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(4, 1))
	}
	fn set_max_emergency_duration() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
}
