"""Pure helpers of the documents pipeline: canonical JSON, keyed content hash, storage keys,
standardized mailing addresses, print-batch layout and manifests."""
