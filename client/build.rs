//! Rebuilds the client when its runtime metadata changes: the subxt interface is generated from
//! `metadata/medchain.scale` by a macro that cargo cannot see reading it.

fn main() {
	println!("cargo:rerun-if-changed=metadata/medchain.scale");
}
