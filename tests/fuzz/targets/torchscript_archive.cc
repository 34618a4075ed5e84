// The TorchScript archive reader (engine/src/torchscript_archive.cpp, zip_reader.cpp: no
// LibTorch), as the daemon runs it on every model file: zip directory (zip64 too), DEFLATE,
// pickle, class code, tensor views. Any bytes give an archive or an error with a message; an
// accepted archive has parameters whose data matches their shape, methods has_method finds, and
// reads the same again.
#include "torchscript_archive.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "fuzz_check.h"

using clipgen::engine::detail::parse_torchscript_archive;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto a = parse_torchscript_archive(bytes);
  if (!a) {
    FUZZ_REQUIRE(!a.error().message.empty(), "a rejection has a message");
    return 0;
  }
  for (const auto& [name, p] : a->weights.params) {
    std::size_t numel = 1;
    for (int64_t d : p.shape) {
      FUZZ_REQUIRE(d >= 0, "dimensions are not negative");
      numel = d == 0 || numel == 0 ? 0 : numel * static_cast<std::size_t>(d);
    }
    FUZZ_REQUIRE(p.data.size() == numel, "a parameter has as many values as its shape");
  }
  for (const auto& m : a->methods) FUZZ_REQUIRE(a->has_method(m), "methods are found");
  auto again = parse_torchscript_archive(bytes);
  FUZZ_REQUIRE(again.ok(), "the same bytes read again");
  FUZZ_REQUIRE(again->weights.attributes == a->weights.attributes, "same attributes");
  FUZZ_REQUIRE(again->extra == a->extra && again->methods == a->methods, "same extra and methods");
  FUZZ_REQUIRE(again->weights.params.size() == a->weights.params.size(), "same parameters");
  for (const auto& [name, p] : a->weights.params) {
    const auto& q = again->weights.params.at(name);
    FUZZ_REQUIRE(q.shape == p.shape && q.data.size() == p.data.size() &&
                     (p.data.empty() ||  // memcmp of an empty vector's null data is UB
                      std::memcmp(q.data.data(), p.data.data(), p.data.size() * 4) == 0),
                 "same parameter values");
  }
  return 0;
}
