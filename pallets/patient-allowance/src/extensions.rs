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

use crate::{pallet::Refusal, ClassifyCall, Config, FreeCall, Pallet, FREE_LONGEVITY};

/// `InvalidTransaction::Custom` code: the patient's free calls for this period are used up (or it
/// queued as many free transactions as it has calls left), and the account cannot pay the fee.
pub const ALLOWANCE_USED: u8 = 1;

/// `InvalidTransaction::Custom` code: this period's free registrations are used up, consortium-wide,
/// and the account cannot pay the fee.
pub const REGISTRATIONS_USED: u8 = 2;

/// `InvalidTransaction::Custom` code: the transaction is longer than a free transaction may be, and
/// the account cannot pay the fee.
pub const TOO_LONG_TO_BE_FREE: u8 = 3;

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
	/// A free call.
	Free(FreeCall<T::PatientId>),
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
		// The classifier reads the controller, its subject and up to three identity maps; the
		// parameters, the allowance and the lane are read, and two of them written.
		self.inner().weight(call).saturating_add(T::DbWeight::get().reads_writes(9, 2))
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
		let free = frame_system::ensure_signed(origin.clone())
			.ok()
			.and_then(|who| T::Classifier::classify(&who, call))
			.filter(|_| self.0.is_zero());
		// Why this eligible call cannot go free, if it cannot.
		let (weight_cap, length_cap) = Pallet::<T>::lane_caps();
		let refusal = free.as_ref().map(|kind| {
			// Longer than a free transaction may be, or more than a whole free lane: it could
			// never go free.
			if len > T::MaxFreeLength::get() as usize
				|| len > length_cap as usize
				|| info.total_weight().any_gt(weight_cap)
			{
				Some(TOO_LONG_TO_BE_FREE)
			} else if Pallet::<T>::left_for(kind) == 0 {
				Some(kind.used_up_code())
			} else {
				None
			}
		});
		if let (Some(kind), Some(None)) = (free, refusal) {
			let valid = ValidTransaction { longevity: FREE_LONGEVITY, ..Default::default() };
			return Ok((valid, Val::Free(kind), origin));
		}
		match self
			.inner()
			.validate(origin, call, info, len, (), inherited_implication, source)
		{
			Ok((valid, val, origin)) => Ok((valid, Val::Charge(val), origin)),
			// An eligible call that cannot go free, from an account that cannot pay: say which
			// limit it met.
			Err(TransactionValidityError::Invalid(InvalidTransaction::Payment)) => {
				match refusal.flatten() {
					Some(code) => Err(InvalidTransaction::Custom(code).into()),
					None => Err(InvalidTransaction::Payment.into()),
				}
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
			Val::Free(kind) => {
				let length = u32::try_from(len).unwrap_or(u32::MAX);
				match Pallet::<T>::take(&kind, info.total_weight(), length) {
					Ok(()) => Ok(Pre::Free(self.inner().weight(call))),
					Err(Refusal::Used) => {
						Err(InvalidTransaction::Custom(kind.used_up_code()).into())
					},
					// The lane is full: the block builder leaves it for the next block.
					Err(Refusal::LaneFull) => Err(InvalidTransaction::ExhaustsResources.into()),
				}
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

/// frame-system's `CheckNonce`, except that
/// - an account with no provider (no balance) may send its first transaction when it registers it
///   as a patient; the identity the call creates keeps the account alive (the identity pallet adds
///   a provider to its controller), and should the registration fail, this extension adds the
///   provider itself, so the nonce written is never reset and no old transaction can replay;
/// - a patient may queue no more free transactions than it has free calls left, unless it can pay.
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
	/// Check and bump the nonce of this account, which has no provider yet.
	CheckNew(T::AccountId),
	/// Not signed: nothing to check, the weight is refunded.
	Refund(Weight),
}

/// From `prepare` to `post_dispatch` in [`CheckNonce`].
#[derive(DebugNoBound)]
pub enum NoncePre<T: Config> {
	/// The nonce was checked and bumped.
	Checked,
	/// The nonce of an account without a provider was checked and bumped: it must end with one.
	CheckedNew(T::AccountId),
	/// Nothing was checked; this weight is refunded.
	Refund(Weight),
}

impl<T: Config> TransactionExtension<T::RuntimeCall> for CheckNonce<T>
where
	T::RuntimeCall: Dispatchable<Info = DispatchInfo, PostInfo = PostDispatchInfo>,
	<T::RuntimeCall as Dispatchable>::RuntimeOrigin: AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "CheckNonce";
	type Implicit = ();
	type Val = NonceVal<T>;
	type Pre = NoncePre<T>;

	fn weight(&self, _call: &T::RuntimeCall) -> Weight {
		// FRAME's nonce check, plus the classifier's reads, the allowance, and a provider written
		// for a new account.
		<T::ExtensionsWeightInfo as frame_system::ExtensionsWeightInfo>::check_nonce()
			.saturating_add(T::DbWeight::get().reads_writes(9, 1))
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
		let Some(who) = origin.as_system_origin_signer() else {
			return Ok((Default::default(), NonceVal::Refund(self.weight(call)), origin));
		};
		let kind = T::Classifier::classify(who, call);
		let account = frame_system::Account::<T>::get(who);
		let (ValidNonceInfo { provides, requires }, val) =
			match frame_system::CheckNonce::<T>::validate_nonce_for_account(who, self.0) {
				Ok(info) => (info, NonceVal::Check(who.clone())),
				// No provider: only a patient's registration may go on.
				Err(TransactionValidityError::Invalid(InvalidTransaction::Payment))
					if kind == Some(FreeCall::NewPatient) =>
				{
					if self.0 < account.nonce {
						return Err(InvalidTransaction::Stale.into());
					}
					let requires = if account.nonce < self.0 {
						alloc::vec![Encode::encode(&(
							who.clone(),
							self.0.saturating_sub(One::one())
						))]
					} else {
						alloc::vec![]
					};
					let provides = alloc::vec![Encode::encode(&(who.clone(), self.0))];
					(ValidNonceInfo { provides, requires }, NonceVal::CheckNew(who.clone()))
				},
				Err(e) => return Err(e),
			};
		// A patient queues at most as many free transactions as it has calls left, and a new
		// patient registers with its current nonce only; deeper ones must be payable.
		if let Some(kind) = &kind {
			let left = match kind {
				FreeCall::Patient(patient) => Pallet::<T>::remaining(patient),
				FreeCall::NewPatient => Pallet::<T>::registrations_remaining().min(1),
			};
			let depth = self.0.saturating_sub(account.nonce);
			if left > 0 && depth >= left.into() {
				let charge =
					pallet_transaction_payment::ChargeTransactionPayment::<T>::from(Zero::zero());
				if charge
					.validate(origin.clone(), call, info, len, (), inherited_implication, source)
					.is_err()
				{
					return Err(InvalidTransaction::Custom(kind.used_up_code()).into());
				}
			}
		}
		let validity = ValidTransaction { priority: 0, requires, provides, ..Default::default() };
		Ok((validity, val, origin))
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
			NonceVal::CheckNew(who) => {
				frame_system::CheckNonce::<T>::prepare_nonce_for_account(&who, self.0)?;
				Ok(NoncePre::CheckedNew(who))
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
			NoncePre::CheckedNew(who) => {
				// The registration failed: keep the account, so its nonce never restarts.
				if frame_system::Pallet::<T>::providers(&who) == 0 {
					frame_system::Pallet::<T>::inc_providers(&who);
				}
				Ok(Weight::zero())
			},
			NoncePre::Refund(weight) => Ok(weight),
		}
	}
}
