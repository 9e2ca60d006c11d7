#!/usr/bin/env sh
# Regenerates libs/rpc/src/gen from proto/nasunet/v1/*.proto (never edit gen/ by hand).
# proto-loader-gen-types ships with @grpc/proto-loader; its relative imports lack the
# `.js` extension NodeNext ESM requires, so the second step appends it.
set -eu
cd "$(dirname "$0")/../.."
rm -rf libs/rpc/src/gen
npx proto-loader-gen-types --longs=String --enums=String --defaults --oneofs \
  --grpcLib=@grpc/grpc-js --includeDirs=proto --outDir=libs/rpc/src/gen \
  nasunet/v1/common.proto nasunet/v1/search_service.proto nasunet/v1/training_service.proto \
  nasunet/v1/registry_service.proto nasunet/v1/inference_service.proto
find libs/rpc/src/gen -name '*.ts' -exec sed -i -E "s#from '(\.\.?/[^']*)'#from '\1.js'#" {} +
