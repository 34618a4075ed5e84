// Reads a TorchScript .pt file without LibTorch: the module's parameters and int/bool attributes
// (what model.cpp's extract_weights copies out of a loaded torch::jit::Module), its extra files
// and the names of its methods. Enough for the native CPU runtime; runs none of the code.
//
// The file is a zip (zip_reader.h) of <name>/data.pkl (the module object, pickle protocol 2),
// <name>/data/<key> (tensor storages), <name>/code/__torch__/... (class definitions, which list
// which tensor attributes are parameters) and <name>/extra/<file>.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "clipgen/error.h"
#include "native/weights.h"

namespace clipgen::engine::detail {

struct TorchScriptArchive {
  // params: named_parameters(recurse) as float32, row-major, with dotted names
  // ("decoder.cells.0.kernel"); attributes: the int and bool attributes of
  // named_attributes(recurse), bools as 0/1 ("training", "rnn.cells.0.units").
  native::Weights weights;
  std::map<std::string, std::string> extra;  // extra/ files by name: "clipgen.json" -> its text
  std::vector<std::string> methods;          // defined on the top-level module's class

  bool has_method(const std::string& name) const;
};

// Never throws for bad input: errors (kInternal) read "not a TorchScript archive: ..." or
// "unsupported ...".
Result<TorchScriptArchive> parse_torchscript_archive(std::string_view bytes);
Result<TorchScriptArchive> read_torchscript_archive(const std::string& path);

}  // namespace clipgen::engine::detail
