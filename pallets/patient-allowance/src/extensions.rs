//! The two transaction extensions: FRAME's nonce check and fee payment, each wrapped so a patient's
//! own calls go free within the allowance. Identifiers and encodings are FRAME's own, so a wallet
//! sees no difference.

use codec::{Decode, DecodeWithMemTracking, Encode};
use frame_support::{
	dispatch::{DispatchInfo, PostDispatchInfo},
	pallet_prelude::*,
	traits::Get,
	DebugNoBound,
};
use frame_system::ValidNonceInfo;
use pallet_transaction_payment::OnChargeTransaction;
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{
		AsSystemOriginSigner, DispatchInfoOf, DispatchOriginOf, Dispatchable, Implication, One,
		PostDispatchInfoOf, TransactionExtension, ValidateResult, Zero,
	},
	transaction_validity::{
		InvalidTransaction, TransactionSource, TransactionValidityError, ValidTransaction,
	},
	DispatchResult, Saturating,
};

use crate::{ClassifyCall, Config, FreeCall, Pallet};

/// `InvalidTransaction::Custom` code: the patient's free calls for this period are used up and the
/// account cannot pay the fee.
pub const ALLOWANCE_USED: u8 = 1;

type BalanceOf<T> = <<T as pallet_transaction_payment::Config>::OnChargeTransaction as OnChargeTransaction<T>>::Balance;

/// pallet-transaction-payment's `ChargeTransactionPayment`, except that a patient's own untipped
/// call within the allowance and the free lane is not charged.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct ChargeTransactionPayment<T: Config>(#[codec(compact)] BalanceOf<T>);

impl<T: Config> ChargeTransactionPayment<T>
where
	T::RuntimeCall: Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo>,
{
	/// The extension with this tip.
	pub fn from(tip: BalanceOf<T>) -> Self {
		Self(tip)
	}

	fn inner(&self) -> pallet_transaction_payment::ChargeTransactionPayment<T> {
		pallet_transaction_payment::ChargeTransactionPayment::from(self.0)
	}
}

impl<T: Config> core::fmt::Debug for ChargeTransactionPayment<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "ChargeTransactionPayment<{:?}>", self.0)
	}
}

/// From `validate` to `prepare`.
#[derive(DebugNoBound)]
pub enum Val<T: Config> {
	/// A free call of this account.
	Free(T::AccountId, FreeCall),
	/// A charged call, as pallet-transaction-payment carries it.
	Charge(pallet_transaction_payment::Val<T>),
}

/// From `prepare` to `post_dispatch`.
pub enum Pre<T: Config> {
	/// A free call: the fee check's own weight is refunded.
	Free(Weight),
	/// A charged call.
	Charge(pallet_transaction_payment::Pre<T>),
}

impl<T: Config> core::fmt::Debug for Pre<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		match self {
			Pre::Free(_) => write!(f, "Free"),
			Pre::Charge(_) => write!(f, "Charge"),
		}
	}
}

impl<T: Config> TransactionExtension<T::RuntimeCall> for ChargeTransactionPayment<T>
where
	T::RuntimeCall: Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo>,
{
	const IDENTIFIER: &'static str = "ChargeTransactionPayment";
	type Implicit = ();
	type Val = Val<T>;
	type Pre = Pre<T>;

	fn weight(&self, call: &T::RuntimeCall) -> Weight {
		// The classifier reads the controller and its subject; the allowance and lane are read
		// and written.
		self.inner().weight(call).saturating_add(T::DbWeight::get().reads_writes(4, 2))
	}

	fn validate(
		&self,
		origin: DispatchOriginOf<T::RuntimeCall>,
		call: &T::RuntimeCall,
		info: &DispatchInfoOf<T::RuntimeCall>,
		len: usize,
		_self_implicit: (),
		inherited_implication: &impl Implication,
		source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		let free = frame_system::ensure_signed(origin.clone()).ok().and_then(|who| {
			let kind = T::Classifier::classify(&who, call)?;
			self.0.is_zero().then_some((who, kind))
		});
		if let Some((who, kind)) = &free {
			if Pallet::<T>::remaining(who) > 0 {
				return Ok((ValidTransaction::default(), Val::Free(who.clone(), *kind), origin));
			}
		}
		match self
			.inner()
			.validate(origin, call, info, len, (), inherited_implication, source)
		{
			Ok((valid, val, origin)) => Ok((valid, Val::Charge(val), origin)),
			// A patient past the allowance who cannot pay: say which limit it met.
			Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
				if free.is_some() =>
			{
				Err(InvalidTransaction::Custom(ALLOWANCE_USED).into())
			},
			Err(e) => Err(e),
		}
	}

	fn prepare(
		self,
		val: Self::Val,
		origin: &DispatchOriginOf<T::RuntimeCall>,
		call: &T::RuntimeCall,
		info: &DispatchInfoOf<T::RuntimeCall>,
		len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		match val {
			Val::Free(who, kind) => match Pallet::<T>::take(&who, kind, info.total_weight()) {
				Ok(()) => Ok(Pre::Free(self.inner().weight(call))),
				Err(true) => Err(InvalidTransaction::Custom(ALLOWANCE_USED).into()),
				// The lane is full: the block builder leaves it for the next block.
				Err(false) => Err(InvalidTransaction::ExhaustsResources.into()),
			},
			Val::Charge(val) => self.inner().prepare(val, origin, call, info, len).map(Pre::Charge),
		}
	}

	fn post_dispatch_details(
		pre: Self::Pre,
		info: &DispatchInfoOf<T::RuntimeCall>,
		post_info: &PostDispatchInfoOf<T::RuntimeCall>,
		len: usize,
		result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		match pre {
			Pre::Free(refund) => Ok(refund),
			Pre::Charge(pre) => {
				pallet_transaction_payment::ChargeTransactionPayment::<T>::post_dispatch_details(
					pre, info, post_info, len, result,
				)
			},
		}
	}
}

/// frame-system's `CheckNonce`, except that an account with no provider (no balance) may send its
/// first transactions when they register it as a patient: the nonce it writes is then paid for by
/// the identity the call creates (the identity pallet adds a provider to its controller).
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckNonce<T: Config>(#[codec(compact)] pub T::Nonce);

impl<T: Config> CheckNonce<T> {
	/// The extension with this nonce.
	pub fn from(nonce: T::Nonce) -> Self {
		Self(nonce)
	}
}

impl<T: Config> core::fmt::Debug for CheckNonce<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckNonce({:?})", self.0)
	}
}

/// From `validate` to `prepare` in [`CheckNonce`].
#[derive(DebugNoBound)]
pub enum NonceVal<T: Config> {
	/// Check and bump this account's nonce.
	Check(T::AccountId),
	/// Not signed: nothing to check, the weight is refunded.
	Refund(Weight),
}

/// From `prepare` to `post_dispatch` in [`CheckNonce`].
#[derive(Debug)]
pub enum NoncePre {
	/// The nonce was checked and bumped.
	Checked,
	/// Nothing was checked; this weight is refunded.
	Refund(Weight),
}

impl<T: Config> TransactionExtension<T::RuntimeCall> for CheckNonce<T>
where
	T::RuntimeCall: Dispatchable<Info = DispatchInfo>,
	<T::RuntimeCall as Dispatchable>::RuntimeOrigin: AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "CheckNonce";
	type Implicit = ();
	type Val = NonceVal<T>;
	type Pre = NoncePre;

	fn weight(&self, _call: &T::RuntimeCall) -> Weight {
		// FRAME's nonce check, plus the classifier's two reads for an account without a provider.
		<T::ExtensionsWeightInfo as frame_system::ExtensionsWeightInfo>::check_nonce()
			.saturating_add(T::DbWeight::get().reads(2))
	}

	fn validate(
		&self,
		origin: DispatchOriginOf<T::RuntimeCall>,
		call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_self_implicit: (),
		_inherited_implication: &impl Implication,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		let Some(who) = origin.as_system_origin_signer() else {
			return Ok((Default::default(), NonceVal::Refund(self.weight(call)), origin));
		};
		let ValidNonceInfo { provides, requires } =
			match frame_system::CheckNonce::<T>::validate_nonce_for_account(who, self.0) {
				Ok(info) => info,
				// No provider: only a patient's registration may go on, and its identity will
				// pay for the account from then on.
				Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
					if T::Classifier::classify(who, call) == Some(FreeCall::NewPatient) =>
				{
					let account_nonce = frame_system::Account::<T>::get(who).nonce;
					if self.0 < account_nonce {
						return Err(InvalidTransaction::Stale.into());
					}
					ValidNonceInfo {
						provides: alloc::vec![Encode::encode(&(who.clone(), self.0))],
						requires: if account_nonce < self.0 {
							alloc::vec![Encode::encode(&(
								who.clone(),
								self.0.saturating_sub(One::one())
							))]
						} else {
							alloc::vec![]
						},
					}
				},
				Err(e) => return Err(e),
			};
		let validity = ValidTransaction { priority: 0, requires, provides, ..Default::default() };
		Ok((validity, NonceVal::Check(who.clone()), origin))
	}

	fn prepare(
		self,
		val: Self::Val,
		_origin: &DispatchOriginOf<T::RuntimeCall>,
		_call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
	) -> Result<Self::Pre, TransactionValidityError> {
		match val {
			NonceVal::Check(who) => {
				frame_system::CheckNonce::<T>::prepare_nonce_for_account(&who, self.0)
					.map(|()| NoncePre::Checked)
			},
			NonceVal::Refund(weight) => Ok(NoncePre::Refund(weight)),
		}
	}

	fn post_dispatch_details(
		pre: Self::Pre,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_post_info: &PostDispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_result: &DispatchResult,
	) -> Result<Weight, TransactionValidityError> {
		match pre {
			NoncePre::Checked => Ok(Weight::zero()),
			NoncePre::Refund(weight) => Ok(weight),
		}
	}
}
