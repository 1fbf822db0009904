//! `medchain balance`: token balances, and transfers (fees are paid in them).

use clap::Subcommand;
use medchain_client::chain::{self, runtime, AccountId32};
use serde_json::json;

use crate::{
	context::{Ctx, Result},
	values,
};

/// One unit: 10^12 of the smallest.
const UNIT: u128 = 1_000_000_000_000;

#[derive(Subcommand, Debug)]
pub enum BalanceCommand {
	/// An account's free balance (default: yours), in units of 10^12.
	#[command(after_help = "Example:\n  medchain balance show 5F…")]
	Show {
		/// The account (SS58).
		#[arg(value_parser = values::account)]
		account: Option<AccountId32>,
	},
	/// Send units to an account (the dev chain's Alice, `//Alice`, holds plenty).
	#[command(
		after_help = "Example:\n  medchain --key-file sudo.json balance transfer --to 5F… --units 100"
	)]
	Transfer {
		/// The receiving account (SS58).
		#[arg(long, value_parser = values::account)]
		to: AccountId32,
		/// Whole units to send.
		#[arg(long)]
		units: u64,
	},
}

pub async fn run(ctx: &Ctx<'_>, command: &BalanceCommand) -> Result<()> {
	let chain = ctx.chain().await?;
	match command {
		BalanceCommand::Show { account } => {
			let account = match account {
				Some(account) => *account,
				None => ctx.keys()?.account(),
			};
			let free = chain.free_balance(&account).await?;
			ctx.print(&json!({ "account": account.to_string(), "free": free.to_string() }), || {
				format!("{account}: {}.{:012} units", free / UNIT, free % UNIT)
			});
		},
		BalanceCommand::Transfer { to, units } => {
			let keys = ctx.keys()?;
			let amount = u128::from(*units) * UNIT;
			let call = runtime::transactions()
				.balances()
				.transfer_keep_alive(chain::MultiAddress::Id(*to), amount);
			ctx.submit(&chain, &keys, &call, "transfer").await?;
			ctx.print(&json!({ "to": to.to_string(), "amount": amount.to_string() }), || {
				format!("sent {units} units to {to}")
			});
		},
	}
	Ok(())
}
