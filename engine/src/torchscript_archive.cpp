#include "torchscript_archive.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_map>

#include "zip_reader.h"

namespace clipgen::engine::detail {
namespace {

Error fail(const std::string& message) {
  return make_error(ErrorKind::kInternal, message);
}

// ---- Pickle values -------------------------------------------------------------------------

enum class Kind : uint8_t {
  kNone,
  kBool,
  kInt,
  kFloat,
  kString,
  kTuple,
  kList,
  kDict,
  kGlobal,   // s: "module.name"
  kObject,   // items: {its class (a global), its state once built}
  kStorage,  // i: its element count; items: {its type (a global), its key under data/}
  kTensor,   // i: its storage offset; items: {storage}; dims: sizes then strides
  kOther,    // items: {the global, not modelled here, that built it}
};

// Values live in one arena and refer to each other by index, so that the memo may share them
// (and a hostile pickle may even make cycles) without ownership questions. No opcode copies more
// than a few values, so memory stays in proportion to the pickle's size.
using Ref = uint32_t;
struct Value {
  Kind kind = Kind::kNone;
  int64_t i = 0;           // bool, int
  std::string s;           // string, bytes
  std::vector<Ref> items;  // tuple, list; dict as key, value, key, value, ...
  std::vector<int64_t> dims;
};

// The opcodes torch.jit.save writes (protocol 2) and a few more of protocols 2-4 that cost a
// line; anything else is an error.
class Unpickler {
 public:
  explicit Unpickler(std::string_view in) : in_(in) {}
  Result<Ref> run();
  const Value& at(Ref r) const { return values_[r]; }

 private:
  bool push(Kind kind, int64_t i = 0, std::string s = {}, std::vector<Ref> items = {}) {
    values_.push_back(Value{kind, i, std::move(s), std::move(items), {}});
    stack_.push_back(static_cast<Ref>(values_.size() - 1));
    return true;
  }
  bool bad(const std::string& what) {
    if (error_.empty()) error_ = "bad pickle: " + what + " at byte " + std::to_string(op_pos_);
    return false;
  }
  bool bytes(uint64_t n, std::string_view& out) {
    if (in_.size() - pos_ < n) return bad("truncated");
    out = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool le(int n, uint64_t& v) {
    std::string_view b;
    if (!bytes(n, b)) return false;
    v = 0;
    for (int k = n - 1; k >= 0; --k) v = v << 8 | static_cast<uint8_t>(b[k]);
    return true;
  }
  bool push_string(int len_bytes) {
    uint64_t n = 0;
    std::string_view b;
    return le(len_bytes, n) && bytes(n, b) && push(Kind::kString, 0, std::string(b));
  }
  bool line(std::string& out) {
    const size_t nl = in_.find('\n', pos_);
    if (nl == std::string_view::npos) return bad("truncated");
    out.assign(in_.data() + pos_, nl - pos_);
    pos_ = nl + 1;
    return true;
  }
  // Pops from the current frame (above the last MARK), as Python's unpickler does.
  bool pop(Ref& r) {
    if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) return bad("stack underflow");
    r = stack_.back();
    stack_.pop_back();
    return true;
  }
  bool pop_mark(std::vector<Ref>& items) {
    if (marks_.empty()) return bad("no MARK");
    items.assign(stack_.begin() + marks_.back(), stack_.end());
    stack_.resize(marks_.back());
    marks_.pop_back();
    return true;
  }
  // Appends to the list or dict on top of the stack.
  bool extend(Kind kind, const std::vector<Ref>& items) {
    if (stack_.empty() || values_[stack_.back()].kind != kind) {
      return bad(kind == Kind::kList ? "APPEND to a non-list" : "SETITEM on a non-dict");
    }
    auto& target = values_[stack_.back()].items;
    target.insert(target.end(), items.begin(), items.end());
    return true;
  }
  bool memo_put(uint64_t key) {
    if (stack_.empty()) return bad("memo put on an empty stack");
    memo_[key] = stack_.back();
    return true;
  }
  bool memo_get(uint64_t key) {
    auto it = memo_.find(key);
    if (it == memo_.end()) return bad("memo key " + std::to_string(key) + " missing");
    stack_.push_back(it->second);
    return true;
  }
  bool step(uint8_t op);
  bool long1();
  bool global();
  bool build();
  bool persistent_id();
  bool reduce();
  bool rebuild_tensor(const Value& args);

  std::string_view in_;
  size_t pos_ = 0, op_pos_ = 0;
  std::deque<Value> values_;  // a deque: references to values stay valid while it grows
  std::vector<Ref> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Ref> memo_;
  bool stopped_ = false;
  std::string error_;
};

Result<Ref> Unpickler::run() {
  while (!stopped_ && error_.empty()) {
    op_pos_ = pos_;
    if (pos_ == in_.size()) {
      bad("truncated (no STOP)");
      break;
    }
    step(static_cast<uint8_t>(in_[pos_++]));
  }
  if (!error_.empty()) return fail(error_);
  return stack_.back();  // STOP checked there is one
}

bool Unpickler::step(uint8_t op) {
  uint64_t n = 0;
  Ref a = 0, b = 0, c = 0;
  std::vector<Ref> items;
  switch (op) {
    case 0x80:  // PROTO
      return le(1, n) && (n <= 5 || bad("protocol " + std::to_string(n)));
    case 0x95:  // FRAME
      return le(8, n);
    case '.':  // STOP
      if (stack_.size() != 1 || !marks_.empty()) return bad("STOP without one value");
      return stopped_ = true;
    case '(':  // MARK
      marks_.push_back(stack_.size());
      return true;
    case '0':  // POP
      return pop(a);
    case '1':  // POP_MARK
      return pop_mark(items);
    case '2':  // DUP
      return pop(a) && (stack_.insert(stack_.end(), {a, a}), true);
    case 'N':  // NONE
      return push(Kind::kNone);
    case 0x88:  // NEWTRUE
      return push(Kind::kBool, 1);
    case 0x89:  // NEWFALSE
      return push(Kind::kBool, 0);
    case 'K':  // BININT1
      return le(1, n) && push(Kind::kInt, static_cast<int64_t>(n));
    case 'M':  // BININT2
      return le(2, n) && push(Kind::kInt, static_cast<int64_t>(n));
    case 'J':  // BININT
      return le(4, n) && push(Kind::kInt, static_cast<int32_t>(static_cast<uint32_t>(n)));
    case 0x8a:  // LONG1
      return long1();
    case 'G':  // BINFLOAT: only int and bool attributes are read, so its value is not kept
      return le(8, n) && push(Kind::kFloat);
    case 'X':  // BINUNICODE
    case 'B':  // BINBYTES
      return push_string(4);
    case 0x8c:  // SHORT_BINUNICODE
    case 'C':   // SHORT_BINBYTES
      return push_string(1);
    case 0x8d:  // BINUNICODE8
    case 0x8e:  // BINBYTES8
      return push_string(8);
    case 'q':  // BINPUT
      return le(1, n) && memo_put(n);
    case 'r':  // LONG_BINPUT
      return le(4, n) && memo_put(n);
    case 0x94:  // MEMOIZE
      return memo_put(memo_.size());
    case 'h':  // BINGET
      return le(1, n) && memo_get(n);
    case 'j':  // LONG_BINGET
      return le(4, n) && memo_get(n);
    case ')':  // EMPTY_TUPLE
      return push(Kind::kTuple);
    case 't':  // TUPLE
      return pop_mark(items) && push(Kind::kTuple, 0, {}, items);
    case 0x85:  // TUPLE1
      return pop(a) && push(Kind::kTuple, 0, {}, {a});
    case 0x86:  // TUPLE2
      return pop(b) && pop(a) && push(Kind::kTuple, 0, {}, {a, b});
    case 0x87:  // TUPLE3
      return pop(c) && pop(b) && pop(a) && push(Kind::kTuple, 0, {}, {a, b, c});
    case ']':  // EMPTY_LIST
      return push(Kind::kList);
    case 'l':  // LIST
      return pop_mark(items) && push(Kind::kList, 0, {}, items);
    case 'a':  // APPEND
      return pop(a) && extend(Kind::kList, {a});
    case 'e':  // APPENDS
      return pop_mark(items) && extend(Kind::kList, items);
    case '}':  // EMPTY_DICT
      return push(Kind::kDict);
    case 'd':  // DICT
      return pop_mark(items) && (items.size() % 2 == 0 || bad("odd DICT")) &&
             push(Kind::kDict, 0, {}, items);
    case 's':  // SETITEM
      return pop(b) && pop(a) && extend(Kind::kDict, {a, b});
    case 'u':  // SETITEMS
      return pop_mark(items) && (items.size() % 2 == 0 || bad("odd SETITEMS")) &&
             extend(Kind::kDict, items);
    case 'c':  // GLOBAL
      return global();
    case 'Q':  // BINPERSID
      return persistent_id();
    case 'R':  // REDUCE
      return reduce();
    case 0x81:  // NEWOBJ: class, args -> an object for BUILD
      if (!pop(b) || !pop(a)) return false;
      if (at(a).kind != Kind::kGlobal) return bad("NEWOBJ of a non-class");
      return push(Kind::kObject, 0, {}, {a});
    case 'b':  // BUILD
      return build();
    default: {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", op);
      error_ =
          std::string("unsupported pickle opcode ") + hex + " at byte " + std::to_string(op_pos_);
      return false;
    }
  }
}

// LONG1: a little-endian two's complement integer of n bytes.
bool Unpickler::long1() {
  uint64_t n = 0, v = 0;
  if (!le(1, n)) return false;
  if (n > 8) return bad("LONG1 of " + std::to_string(n) + " bytes");
  if (n > 0 && !le(static_cast<int>(n), v)) return false;
  if (n > 0 && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~uint64_t{0} << (8 * n);
  return push(Kind::kInt, static_cast<int64_t>(v));
}

bool Unpickler::global() {
  std::string module, name;
  return line(module) && line(name) && push(Kind::kGlobal, 0, module + "." + name);
}

// Sets an object's state: for TorchScript, the dict of its attributes.
bool Unpickler::build() {
  Ref state = 0;
  if (!pop(state)) return false;
  if (stack_.empty() || at(stack_.back()).kind != Kind::kObject) {
    return bad("BUILD of a non-object");
  }
  auto& items = values_[stack_.back()].items;  // {class} or {class, an earlier state}
  items.resize(1);
  items.push_back(state);
  return true;
}

// ('storage', torch.FloatStorage, key, location, numel): the record data/<key>.
bool Unpickler::persistent_id() {
  Ref r = 0;
  if (!pop(r)) return false;
  const Value& pid = at(r);
  if (pid.kind != Kind::kTuple || pid.items.size() != 5 || at(pid.items[0]).s != "storage" ||
      at(pid.items[1]).kind != Kind::kGlobal || at(pid.items[2]).kind != Kind::kString ||
      at(pid.items[4]).kind != Kind::kInt || at(pid.items[4]).i < 0) {
    return bad("unsupported persistent id");
  }
  return push(Kind::kStorage, at(pid.items[4]).i, {}, {pid.items[1], pid.items[2]});
}

bool Unpickler::reduce() {
  Ref f = 0, a = 0;
  if (!pop(a) || !pop(f)) return false;
  const Value& fn = at(f);
  const Value& args = at(a);
  if (fn.kind != Kind::kGlobal || args.kind != Kind::kTuple) return bad("REDUCE of a non-global");
  if (fn.s == "torch._utils._rebuild_tensor_v2") return rebuild_tensor(args);
  if (fn.s == "collections.OrderedDict" && args.items.empty()) return push(Kind::kDict);
  // build_intlist, restore_type_tag, ...: TorchScript's type tags, the identity on the value.
  if (fn.s.rfind("torch.jit._pickle.", 0) == 0 && !args.items.empty()) {
    stack_.push_back(args.items[0]);
    return true;
  }
  return push(Kind::kOther, 0, {}, {f});
}

// _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, metadata]).
bool Unpickler::rebuild_tensor(const Value& args) {
  const auto ints = [&](Ref r, std::vector<int64_t>& out) {
    // Tensors have a handful of dimensions; the bound keeps a REDUCE from copying much.
    if (at(r).kind != Kind::kTuple || at(r).items.size() > 64) return false;
    for (Ref x : at(r).items) {
      if (at(x).kind != Kind::kInt) return false;
      out.push_back(at(x).i);
    }
    return true;
  };
  std::vector<int64_t> dims, strides;
  if (args.items.size() < 4 || at(args.items[0]).kind != Kind::kStorage ||
      at(args.items[1]).kind != Kind::kInt || !ints(args.items[2], dims) ||
      !ints(args.items[3], strides) || strides.size() != dims.size()) {
    return bad("unsupported _rebuild_tensor_v2 arguments");
  }
  dims.insert(dims.end(), strides.begin(), strides.end());
  push(Kind::kTensor, at(args.items[1]).i, {}, {args.items[0]});
  values_.back().dims = std::move(dims);
  return true;
}

// ---- Class definitions (code/) -----------------------------------------------------------

struct ClassInfo {
  bool is_module = false;
  std::set<std::string> parameters;
  std::vector<std::string> methods;
};

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// `__parameters__ = ["kernel", "bias", ]` -> kernel, bias.
std::set<std::string> quoted_names(std::string_view line) {
  std::set<std::string> names;
  for (size_t open = line.find('"'); open != std::string_view::npos;) {
    const size_t close = line.find('"', open + 1);
    if (close == std::string_view::npos) break;
    names.emplace(line.substr(open + 1, close - open - 1));
    open = line.find('"', close + 1);
  }
  return names;
}

// The classes of one code file, as TorchScript prints them: `class Name(Module):` at column 0,
// then two-space-indented `__parameters__ = [...]` and `def method(self, ...`.
void parse_classes(std::string_view code, const std::string& module,
                   std::map<std::string, ClassInfo>& classes) {
  ClassInfo* current = nullptr;
  while (!code.empty()) {
    const size_t nl = code.find('\n');
    const std::string_view line = code.substr(0, nl);
    code = nl == std::string_view::npos ? std::string_view() : code.substr(nl + 1);
    if (starts_with(line, "class ")) {
      const size_t name_end = std::min(line.find_first_of("(:", 6), line.size());
      current = &classes[module + "." + std::string(line.substr(6, name_end - 6))];
      current->is_module = line.substr(name_end) == "(Module):";
    } else if (!line.empty() && line[0] != ' ') {
      current = nullptr;
    } else if (current && starts_with(line, "  __parameters__ = [")) {
      current->parameters = quoted_names(line);
    } else if (current && starts_with(line, "  def ")) {
      current->methods.emplace_back(line.substr(6, line.find('(') - 6));
    }
  }
}

// ---- Tensors -------------------------------------------------------------------------------

enum class DType { kFloat, kDouble, kHalf, kBFloat16 };

bool storage_dtype(const std::string& type, DType& dtype, size_t& size) {
  static const std::map<std::string, std::pair<DType, size_t>> kTypes = {
      {"torch.FloatStorage", {DType::kFloat, 4}},
      {"torch.DoubleStorage", {DType::kDouble, 8}},
      {"torch.HalfStorage", {DType::kHalf, 2}},
      {"torch.BFloat16Storage", {DType::kBFloat16, 2}}};
  auto it = kTypes.find(type);
  if (it == kTypes.end()) return false;
  std::tie(dtype, size) = it->second;
  return true;
}

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16, exp = (h >> 10) & 0x1f;
  const uint32_t mant = h & 0x3ff;
  if (exp == 0) {  // zero or subnormal: mant * 2^-24, exact in float
    const float f = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -f : f;
  }
  const uint32_t bits = sign | (exp == 0x1f ? 0x7f800000 : (exp + 112) << 23) | mant << 13;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float load(const char* p, DType dtype) {
  uint16_t u16;
  uint32_t u32;
  float f;
  double d;
  switch (dtype) {
    case DType::kFloat:
      std::memcpy(&f, p, 4);
      return f;
    case DType::kDouble:
      std::memcpy(&d, p, 8);
      return static_cast<float>(d);
    case DType::kHalf:
      std::memcpy(&u16, p, 2);
      return half_to_float(u16);
    case DType::kBFloat16:
      std::memcpy(&u16, p, 2);
      u32 = static_cast<uint32_t>(u16) << 16;
      std::memcpy(&f, &u32, 4);
      return f;
  }
  return 0;
}

// A record's bytes (see ZipReader::read), its errors worded for a model file.
Result<std::string_view> read_entry(const ZipReader& zip, const ZipReader::Entry& e,
                                    std::string& buffer) {
  auto r = zip.read(e, buffer);
  if (!r) return fail("not a TorchScript archive: " + r.error().message);
  return r;
}

// ---- The module tree -----------------------------------------------------------------------

class ModuleReader {
 public:
  ModuleReader(const ZipReader& zip, std::string root, const Unpickler& pickle,
               TorchScriptArchive& out, uint64_t element_budget)
      : zip_(zip), root_(std::move(root)), pickle_(pickle), out_(out), budget_(element_budget) {}

  Result<const ClassInfo*> find_class(const std::string& name);
  Status walk(Ref object, const std::string& path, int depth);

 private:
  Status read_param(const Value& tensor, const std::string& name);
  static Error too_large() { return fail("unsupported module tree: too deep or too large"); }
  Result<std::string_view> storage_bytes(const std::string& key, const std::string& param);

  const ZipReader& zip_;
  std::string root_;  // "<name>/"
  const Unpickler& pickle_;
  TorchScriptArchive& out_;
  uint64_t budget_;  // elements all parameters may still copy
  // Bounds a hostile pickle's cycles and shared subtrees (time, and memory for the names); real
  // models are a few levels deep with a few hundred attributes: tens of kilobytes of names.
  static constexpr uint64_t kMaxWork = uint64_t{1} << 26;
  uint64_t work_ = 0;  // objects and attributes walked, bytes of names built and looked up
  std::map<std::string, ClassInfo> classes_;
  std::map<std::string, std::string> inflated_;  // storages that were deflated, by key
  std::set<std::string> files_read_;
};

// Class `__torch__.a.b.Name` is defined in code/__torch__/a/b.py, read on first use.
Result<const ClassInfo*> ModuleReader::find_class(const std::string& name) {
  if ((work_ += name.size()) > kMaxWork) return too_large();
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos) return fail("unsupported class '" + name + "' (not TorchScript)");
  const std::string module = name.substr(0, dot);
  if (files_read_.insert(module).second) {
    std::string file = module;
    std::replace(file.begin(), file.end(), '.', '/');
    if (const ZipReader::Entry* e = zip_.find(root_ + "code/" + file + ".py")) {
      std::string buffer;
      auto code = read_entry(zip_, *e, buffer);
      if (!code) return code.error();
      parse_classes(*code, module, classes_);
    }
  }
  auto it = classes_.find(name);
  if (it == classes_.end()) {
    return fail("not a TorchScript archive: no code for class '" + name + "'");
  }
  return &it->second;
}

Status ModuleReader::walk(Ref object, const std::string& path, int depth) {
  if (depth > 64 || ++work_ > kMaxWork) return too_large();
  const Value& obj = pickle_.at(object);
  const std::string& class_name = pickle_.at(obj.items[0]).s;
  auto cls = find_class(class_name);
  if (!cls) return cls.error();
  if (obj.items.size() < 2 || pickle_.at(obj.items[1]).kind != Kind::kDict) {
    return fail("unsupported object of class '" + class_name + "': its state is not a dict");
  }
  const Value& state = pickle_.at(obj.items[1]);
  for (size_t k = 0; k + 1 < state.items.size(); k += 2) {
    const Value& key = pickle_.at(state.items[k]);
    const Value& value = pickle_.at(state.items[k + 1]);
    if (key.kind != Kind::kString) {
      return fail("not a TorchScript archive: a non-string attribute name");
    }
    work_ += 1 + path.size() + key.s.size();
    if (work_ > kMaxWork) return too_large();
    const std::string name = path + key.s;
    if (value.kind == Kind::kBool || value.kind == Kind::kInt) {
      out_.weights.attributes[name] = value.i;
    } else if ((*cls)->parameters.count(key.s) && value.kind != Kind::kNone) {
      if (value.kind != Kind::kTensor) {
        return fail(
            "unsupported parameter '" + name + "'" +
            (value.kind == Kind::kOther ? " (built by " + pickle_.at(value.items[0]).s + ")" : ""));
      }
      if (Status s = read_param(value, name); !s) return s;
    } else if (value.kind == Kind::kObject) {
      auto child = find_class(pickle_.at(value.items[0]).s);
      if (!child) return child.error();
      if ((*child)->is_module) {
        if (Status s = walk(state.items[k + 1], name + ".", depth + 1); !s) return s;
      }
    }
  }
  return Ok{};
}

// A storage's bytes: a view into the archive, or (deflated, which torch never writes but reads)
// inflated once and charged to the element budget, so that many views of one small but highly
// compressed record cannot make this inflate or hold gigabytes.
Result<std::string_view> ModuleReader::storage_bytes(const std::string& key,
                                                     const std::string& param) {
  const ZipReader::Entry* entry = zip_.find(root_ + "data/" + key);
  if (!entry) {
    return fail("not a TorchScript archive: no storage 'data/" + key + "' for '" + param + "'");
  }
  std::string buffer;
  if (entry->method == 0) return read_entry(zip_, *entry, buffer);  // a view, buffer unused
  auto it = inflated_.find(key);
  if (it == inflated_.end()) {
    const uint64_t cost = entry->size / 4 + 1;
    if (cost > budget_) return fail("unsupported: compressed storages larger than the file");
    budget_ -= cost;
    auto bytes = read_entry(zip_, *entry, buffer);
    if (!bytes) return bytes.error();
    it = inflated_.emplace(key, std::move(buffer)).first;
  }
  return std::string_view(it->second);
}

Status ModuleReader::read_param(const Value& tensor, const std::string& name) {
  const Value& storage = pickle_.at(tensor.items[0]);
  const std::string& type = pickle_.at(storage.items[0]).s;
  DType dtype;
  size_t elem = 0;
  if (!storage_dtype(type, dtype, elem)) {
    return fail("unsupported parameter type " + type + " of '" + name + "'");
  }
  const std::string& key = pickle_.at(storage.items[1]).s;
  auto bytes = storage_bytes(key, name);
  if (!bytes) return bytes.error();
  const uint64_t capacity = static_cast<uint64_t>(storage.i);
  if (capacity > bytes->size() / elem) {
    return fail("not a TorchScript archive: storage 'data/" + key + "' is shorter than " +
                std::to_string(capacity) + " elements");
  }
  // Every element read must lie in the storage: offset + sum((size - 1) * stride) < capacity.
  // Views that repeat elements (stride 0) are read; all parameters together copy at most
  // budget_ elements, so a hostile size cannot allocate more than the file's size in floats.
  const size_t ndim = tensor.dims.size() / 2;
  const int64_t* sizes = tensor.dims.data();
  const int64_t* strides = sizes + ndim;
  const auto out_of_range = [&] {
    return fail("not a TorchScript archive: parameter '" + name + "' reaches outside its storage");
  };
  const auto too_large = [&] {
    return fail("unsupported parameter '" + name + "': more elements than the file has bytes");
  };
  uint64_t numel = 1, last = static_cast<uint64_t>(tensor.i);
  if (tensor.i < 0 || last > capacity) return out_of_range();
  for (size_t d = 0; d < ndim; ++d) {
    if (sizes[d] < 0 || strides[d] < 0) return out_of_range();
    if (sizes[d] == 0) numel = 0;
  }
  for (size_t d = 0; d < ndim && numel > 0; ++d) {
    const uint64_t size = static_cast<uint64_t>(sizes[d]),
                   stride = static_cast<uint64_t>(strides[d]);
    if (size > budget_ / numel) return too_large();
    numel *= size;
    if (size > 1 && stride > (capacity - last) / (size - 1)) return out_of_range();
    last += (size - 1) * stride;
  }
  if (numel > 0 && last >= capacity) return out_of_range();
  if (numel > budget_) return too_large();
  budget_ -= numel;

  native::Param param;
  param.shape.assign(sizes, sizes + ndim);
  param.data.resize(numel);
  bool contiguous = true;
  for (size_t d = ndim, expected = 1; d-- > 0;) {
    if (sizes[d] != 1 && static_cast<size_t>(strides[d]) != expected) contiguous = false;
    expected *= static_cast<size_t>(sizes[d]);
  }
  const char* base = bytes->data() + static_cast<size_t>(tensor.i) * elem;
  if (contiguous && dtype == DType::kFloat) {
    if (numel > 0) std::memcpy(param.data.data(), base, numel * 4);
  } else {
    // Row-major walk over the indices, keeping the source offset in step.
    std::vector<int64_t> index(ndim, 0);
    int64_t src = 0;
    for (uint64_t k = 0; k < numel; ++k) {
      param.data[k] = load(base + static_cast<size_t>(src) * elem, dtype);
      for (size_t d = ndim; d-- > 0;) {
        if (++index[d] < sizes[d]) {
          src += strides[d];
          break;
        }
        src -= (sizes[d] - 1) * strides[d];
        index[d] = 0;
      }
    }
  }
  out_.weights.params[name] = std::move(param);
  return Ok{};
}

}  // namespace

bool TorchScriptArchive::has_method(const std::string& name) const {
  return std::find(methods.begin(), methods.end(), name) != methods.end();
}

Result<TorchScriptArchive> parse_torchscript_archive(std::string_view bytes) {
  auto zip = ZipReader::open(bytes);
  if (!zip) {
    const std::string& m = zip.error().message;
    return fail(starts_with(m, "unsupported") ? m : "not a TorchScript archive: " + m);
  }
  // Every record sits under one folder: <name>/data.pkl names it.
  std::string root;
  for (const auto& e : zip->entries()) {
    const size_t slash = e.name.find('/');
    if (slash != std::string::npos && e.name.compare(slash, std::string::npos, "/data.pkl") == 0) {
      root = e.name.substr(0, slash + 1);
      break;
    }
  }
  if (root.empty()) return fail("not a TorchScript archive: no <name>/data.pkl");
  TorchScriptArchive out;
  std::string buffer;
  if (const ZipReader::Entry* e = zip->find(root + "byteorder")) {
    auto order = read_entry(*zip, *e, buffer);
    if (!order) return order.error();
    if (*order != "little") return fail("unsupported byte order '" + std::string(*order) + "'");
  }
  const std::string extra = root + "extra/";
  for (const auto& e : zip->entries()) {
    if (!starts_with(e.name, extra) || e.name.size() == extra.size()) continue;
    auto text = read_entry(*zip, e, buffer);
    if (!text) return text.error();
    out.extra[e.name.substr(extra.size())] = std::string(*text);
  }

  auto pkl = read_entry(*zip, *zip->find(root + "data.pkl"), buffer);
  if (!pkl) return pkl.error();
  Unpickler pickle(*pkl);
  auto top = pickle.run();
  if (!top) return fail("not a TorchScript archive: data.pkl: " + top.error().message);
  if (pickle.at(*top).kind != Kind::kObject) {
    return fail("not a TorchScript archive: data.pkl holds no module");
  }
  // Parameters copy at most as many elements as the file has bytes (views may repeat elements).
  ModuleReader reader(*zip, root, pickle, out, bytes.size());
  if (Status s = reader.walk(*top, "", 0); !s) return s.error();
  out.methods = (*reader.find_class(pickle.at(pickle.at(*top).items[0]).s))->methods;
  return out;
}

Result<TorchScriptArchive> read_torchscript_archive(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::is_regular_file(status)) {
    return fail("cannot read " + path + ": " + (ec ? ec.message() : "not a regular file"));
  }
  const uintmax_t size = std::filesystem::file_size(path, ec);
  std::unique_ptr<FILE, int (*)(FILE*)> f(ec ? nullptr : std::fopen(path.c_str(), "rb"),
                                          &std::fclose);
  std::string bytes(f ? static_cast<size_t>(size) : 0, '\0');
  if (!f || std::fread(bytes.data(), 1, bytes.size(), f.get()) != bytes.size()) {
    return fail("cannot read " + path + ": " + (ec ? ec.message() : std::strerror(errno)));
  }
  return parse_torchscript_archive(bytes);
}

}  // namespace clipgen::engine::detail
