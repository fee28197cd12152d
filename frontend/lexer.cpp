#include "lexer.h"

#include "escapes.h"
#include "fatal_error.h"
#include "lexer_patterns.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>

namespace aasim::frontend {
namespace {

using lexpat::Match;

// Rules of the lexer in the order apparmor_parser's lexer lists them; when
// two rules match the same length the earlier one wins.
enum Rule : uint8_t {
  R_WS, R_IncName, R_IdentitiesEq, R_CondListParen, R_PriorityEq, R_FlagsEq, R_VarNameEq, R_VarNameColonEq, R_VarNameIn,
  R_SubId, R_SubValue, R_IdentityValue, R_ListValClose, R_ListValComma, R_ListValValue,
  R_ExtEqualsValue, R_ExtEquals, R_ExtOpenParen, R_ExtIn, R_ListCondValValue, R_ListCondParenClose,
  R_ListCondParenValue, R_ListCondClose, R_ListCondComma, R_ListCondId, R_ListCondEqParen, R_ListCondEq,
  R_ExtListEquals, R_ExtListOpenParen, R_AssignValue, R_AssignComma, R_AssignComment, R_AssignContinuation,
  R_AssignNewline, R_CpSafe, R_CpUnsafe, R_CpArrow, R_CpId, R_RlimitNumber, R_RlimitWord, R_RlimitLe,
  R_KwListen, R_KwAccept, R_KwConnect, R_KwGetopt, R_KwSetopt, R_KwShutdown, R_KwCreate, R_KwOpen,
  R_KwDelete, R_KwGetattr, R_KwSetattr, R_KwBind, R_KwEavesdrop, R_KwSend, R_KwReceive, R_KwTrace,
  R_KwReadby, R_KwTracedby, R_KwRead, R_KwWrite, R_ModeOpenParen, R_RwMode, R_MountArrow,
  R_KwOverrideCreds, R_KwSqpoll, R_ModeId, R_IntEquals, R_IntValue, R_BoolVarAssign, R_SetVarTok,
  R_BoolVarTok, R_ExprOpenBrace, R_AeComma, R_AeComment, R_AeContinuation, R_AeNewline, R_ExOpenParen,
  R_ExCloseParen, R_ExAnd, R_ExOr, R_ExNot, R_ExDefined, R_ExEq, R_ExNe, R_ExIn, R_ExGt, R_ExGe, R_ExLt,
  R_ExLe, R_ExId, R_AesEquals, R_AesAdd, R_AesCond, R_AesOverride, R_HashIncludeIfExists,
  R_IncludeIfExists, R_HashInclude, R_Include, R_All, R_Comment, R_Caret, R_Arrow, R_Equals, R_Plus,
  R_AddAssign, R_CondAssign, R_OverrideAssign, R_OpenBrace, R_CloseBrace, R_Label, R_Modes, R_Hat,
  R_Profile, R_Colon, R_OpenParen, R_VarName, R_EndOfRule, R_Newline,
};

Match matchRule(Rule r, const char *p, const char *e) {
  using namespace lexpat;
  auto firstOf = [](Match a, Match b) { return b.total > a.total ? b : a; };
  switch (r) {
  case R_WS: return blanks(p, e);
  case R_IncName: return includeName(p, e);
  case R_IdentitiesEq: return wordThenEquals("identities", p, e);
  case R_CondListParen: return condListIdParen(p, e);
  case R_PriorityEq: return wordThenEquals("priority", p, e);
  case R_FlagsEq: return wordThenEquals("flags", p, e);
  case R_VarNameEq: return varNameEquals(p, e);
  case R_VarNameColonEq: return varNameColonEquals(p, e);
  case R_VarNameIn: return varNameIn(p, e);
  case R_SubId: case R_SubValue: case R_AssignValue: case R_CpId:
    return firstOf(ids(p, e), quotedId(p, e));
  case R_IdentityValue: return firstOf(identityChars(p, e), quotedId(p, e));
  case R_ListValClose: case R_ListCondParenClose: case R_ListCondClose: case R_ExCloseParen:
    return literal(")", p, e);
  case R_ListValComma: case R_ListCondComma: case R_AssignComma: case R_AeComma: case R_EndOfRule:
    return literal(",", p, e);
  case R_ListValValue: return firstOf(listValueId(p, e), quotedId(p, e));
  case R_ExtEqualsValue: return equalsValue(p, e);
  case R_ExtEquals: case R_ListCondEq: case R_ExtListEquals: case R_IntEquals: case R_AesEquals: case R_Equals:
    return literal("=", p, e);
  case R_ExtOpenParen: case R_ExtListOpenParen: case R_ModeOpenParen: case R_ExOpenParen: case R_OpenParen:
    return literal("(", p, e);
  case R_ExtIn: case R_ExIn: return literal("in", p, e);
  case R_ListCondValValue: case R_ListCondParenValue:
    return firstOf(listValueId(p, e), quotedListValueId(p, e));
  case R_ListCondId: return idCharsNoEqPlus(p, e);
  case R_ListCondEqParen: return equalsParen(p, e);
  case R_AssignComment: case R_AeComment: case R_Comment: return comment(p, e);
  case R_AssignContinuation: case R_AeContinuation: return lineContinuation(p, e);
  case R_AssignNewline: case R_AeNewline: case R_Newline: return newline(p, e);
  case R_CpSafe: return literal("safe", p, e);
  case R_CpUnsafe: return literal("unsafe", p, e);
  case R_CpArrow: case R_MountArrow: case R_Arrow: return literal("->", p, e);
  case R_RlimitNumber: return signedNumber(p, e);
  case R_RlimitWord: return alphaWord(p, e);
  case R_RlimitLe: case R_ExLe: return literal("<=", p, e);
  case R_KwListen: return literal("listen", p, e);
  case R_KwAccept: return literal("accept", p, e);
  case R_KwConnect: return literal("connect", p, e);
  case R_KwGetopt: return literal("getopt", p, e);
  case R_KwSetopt: return literal("setopt", p, e);
  case R_KwShutdown: return literal("shutdown", p, e);
  case R_KwCreate: return literal("create", p, e);
  case R_KwOpen: return literal("open", p, e);
  case R_KwDelete: return literal("delete", p, e);
  case R_KwGetattr: return literal("getattr", p, e);
  case R_KwSetattr: return literal("setattr", p, e);
  case R_KwBind: return literal("bind", p, e);
  case R_KwEavesdrop: return literal("eavesdrop", p, e);
  case R_KwSend: return literal("send", p, e);
  case R_KwReceive: return literal("receive", p, e);
  case R_KwTrace: return literal("trace", p, e);
  case R_KwReadby: return literal("readby", p, e);
  case R_KwTracedby: return literal("tracedby", p, e);
  case R_KwRead: return literal("read", p, e);
  case R_KwWrite: return literal("write", p, e);
  case R_RwMode: return rwMode(p, e);
  case R_KwOverrideCreds: return literal("override_creds", p, e);
  case R_KwSqpoll: return literal("sqpoll", p, e);
  case R_ModeId: case R_ExId:
    return firstOf(firstOf(idsNoEq(p, e), label(p, e)), quotedId(p, e));
  case R_IntValue: return integer(p, e);
  case R_BoolVarAssign: return boolVarAssign(p, e);
  case R_SetVarTok: return setVar(p, e);
  case R_BoolVarTok: return boolVar(p, e);
  case R_ExprOpenBrace: case R_OpenBrace: return literal("{", p, e);
  case R_CloseBrace: return literal("}", p, e);
  case R_ExAnd: return literal("and", p, e);
  case R_ExOr: return literal("or", p, e);
  case R_ExNot: return literal("not", p, e);
  case R_ExDefined: return literal("defined", p, e);
  case R_ExEq: return literal("==", p, e);
  case R_ExNe: return literal("!=", p, e);
  case R_ExGt: return literal(">", p, e);
  case R_ExGe: return literal(">=", p, e);
  case R_ExLt: return literal("<", p, e);
  case R_AesAdd: case R_AddAssign: return literal("+=", p, e);
  case R_AesCond: case R_CondAssign: return literal("?=", p, e);
  case R_AesOverride: case R_OverrideAssign: return literal(":=", p, e);
  case R_HashIncludeIfExists: return hashIncludeIfExists(p, e);
  case R_IncludeIfExists: return includeIfExists(p, e);
  case R_HashInclude: return hashInclude(p, e);
  case R_Include: return includeKw(p, e);
  case R_All: return allKw(p, e);
  case R_Caret: return literal("^", p, e);
  case R_Plus: return literal("+", p, e);
  case R_Label: return firstOf(label(p, e), quotedLabel(p, e));
  case R_Modes: return modes(p, e);
  case R_Hat: return hatKw(p, e);
  case R_Profile: return profileKw(p, e);
  case R_Colon: return literal(":", p, e);
  case R_VarName: return varName(p, e);
  }
  return {};
}

// Which rules are active in each mode, in rule order.
const std::vector<Rule> &rulesFor(LexMode m) {
  // Rule groups shared by the class modes.
  static const std::vector<Rule> kCondPrefix = {R_IdentitiesEq, R_CondListParen, R_PriorityEq, R_FlagsEq,
                                                R_VarNameEq, R_VarNameColonEq, R_VarNameIn};
  auto classMode = [](std::initializer_list<Rule> own, bool conds) {
    std::vector<Rule> v = {R_WS};
    if (conds)
      v.insert(v.end(), kCondPrefix.begin(), kCondPrefix.end());
    v.insert(v.end(), own);
    v.push_back(R_ModeId);
    v.push_back(R_EndOfRule);
    v.push_back(R_Newline);
    std::sort(v.begin(), v.end());
    return v;
  };
  static const std::array<std::vector<Rule>, 30> kTable = [&] {
    std::array<std::vector<Rule>, 30> t;
    auto at = [&](LexMode mode) -> std::vector<Rule> & { return t[static_cast<size_t>(mode)]; };
    at(LexMode::Initial) = {R_WS, R_IdentitiesEq, R_CondListParen, R_PriorityEq, R_FlagsEq, R_VarNameEq,
                            R_VarNameIn, R_BoolVarAssign, R_SetVarTok, R_BoolVarTok, R_HashIncludeIfExists,
                            R_IncludeIfExists, R_HashInclude, R_Include, R_All, R_Comment, R_Caret, R_Arrow,
                            R_Equals, R_Plus, R_AddAssign, R_CondAssign, R_OverrideAssign, R_OpenBrace,
                            R_CloseBrace, R_Label, R_Modes, R_Hat, R_Profile, R_Colon, R_OpenParen, R_VarName,
                            R_EndOfRule, R_Newline};
    at(LexMode::SubId) = {R_SubId};
    at(LexMode::SubIdWs) = {R_WS, R_SubId, R_Newline};
    at(LexMode::SubValue) = {R_SubValue};
    at(LexMode::IdentityValue) = {R_WS, R_IdentitiesEq, R_IdentityValue};
    at(LexMode::ExtCond) = {R_WS, R_ExtEqualsValue, R_ExtEquals, R_ExtOpenParen, R_ExtIn, R_Newline};
    at(LexMode::ExtCondList) = {R_WS, R_ExtListEquals, R_ExtListOpenParen, R_Newline};
    at(LexMode::ListVal) = {R_WS, R_ListValClose, R_ListValComma, R_ListValValue, R_Newline};
    at(LexMode::ListCond) = {R_WS, R_ListCondClose, R_ListCondComma, R_ListCondId, R_ListCondEqParen,
                             R_ListCondEq, R_Newline};
    at(LexMode::ListCondVal) = {R_WS, R_ListCondValValue, R_Newline};
    at(LexMode::ListCondParenVal) = {R_WS, R_ListCondParenClose, R_ListCondParenValue, R_Newline};
    at(LexMode::Assign) = {R_WS, R_AssignValue, R_AssignComma, R_AssignComment, R_AssignContinuation,
                           R_AssignNewline};
    at(LexMode::ChangeProfile) = {R_WS, R_CpSafe, R_CpUnsafe, R_CpArrow, R_CpId, R_EndOfRule, R_Newline};
    at(LexMode::Rlimit) = {R_WS, R_RlimitNumber, R_RlimitWord, R_RlimitLe, R_EndOfRule, R_Newline};
    at(LexMode::Network) = classMode({R_KwListen, R_KwAccept, R_KwConnect, R_KwGetopt, R_KwSetopt,
                                      R_KwShutdown, R_KwCreate, R_KwGetattr, R_KwSetattr, R_KwBind, R_KwSend,
                                      R_KwReceive, R_KwRead, R_KwWrite, R_ModeOpenParen, R_RwMode},
                                     true);
    at(LexMode::Unix) = at(LexMode::Network);
    at(LexMode::Userns) = {R_WS, R_KwCreate, R_ModeOpenParen, R_EndOfRule, R_Newline};
    at(LexMode::Mqueue) = classMode({R_KwCreate, R_KwOpen, R_KwDelete, R_KwGetattr, R_KwSetattr, R_KwRead,
                                     R_KwWrite, R_ModeOpenParen, R_RwMode},
                                    true);
    at(LexMode::Dbus) = classMode({R_KwBind, R_KwEavesdrop, R_KwSend, R_KwReceive, R_KwRead, R_KwWrite,
                                   R_ModeOpenParen, R_RwMode},
                                  true);
    at(LexMode::Signal) = classMode({R_KwSend, R_KwReceive, R_KwRead, R_KwWrite, R_ModeOpenParen, R_RwMode}, true);
    at(LexMode::Ptrace) = classMode({R_KwTrace, R_KwReadby, R_KwTracedby, R_KwRead, R_KwWrite, R_ModeOpenParen,
                                     R_RwMode},
                                    true);
    at(LexMode::Mount) = classMode({R_MountArrow}, true);
    at(LexMode::IoUring) = classMode({R_KwOverrideCreds, R_KwSqpoll}, false);
    at(LexMode::Include) = {R_WS, R_IncName, R_Newline};
    at(LexMode::IncludeExists) = at(LexMode::Include);
    at(LexMode::Abi) = {R_WS, R_IncName, R_EndOfRule, R_Newline};
    at(LexMode::Integer) = {R_WS, R_IntEquals, R_IntValue, R_Newline};
    at(LexMode::Expr) = {R_WS, R_SetVarTok, R_BoolVarTok, R_ExprOpenBrace, R_ExOpenParen, R_ExCloseParen,
                         R_ExAnd, R_ExOr, R_ExNot, R_ExDefined, R_ExEq, R_ExNe, R_ExIn, R_ExGt, R_ExGe,
                         R_ExLt, R_ExLe, R_ExId, R_Newline};
    at(LexMode::AssignExpr) = {R_WS, R_SetVarTok, R_BoolVarTok, R_AeComma, R_AeComment, R_AeContinuation,
                               R_AeNewline, R_ExOpenParen, R_ExCloseParen, R_ExAnd, R_ExOr, R_ExNot,
                               R_ExDefined, R_ExEq, R_ExNe, R_ExIn, R_ExGt, R_ExGe, R_ExLt, R_ExLe, R_ExId};
    at(LexMode::AssignExprStart) = {R_WS, R_AesEquals, R_AesAdd, R_AesCond, R_AesOverride};
    for (auto &rules : t)
      std::sort(rules.begin(), rules.end());
    return t;
  }();
  return kTable[static_cast<size_t>(m)];
}

struct KeywordInfo {
  Tok tok;
  LexMode mode;  // mode to enter after the keyword
};

const std::unordered_map<std::string_view, KeywordInfo> &keywords() {
  static const std::unordered_map<std::string_view, KeywordInfo> k = {
      {"network", {Tok::Network, LexMode::Network}}, {"unix", {Tok::Unix, LexMode::Unix}},
      {"capability", {Tok::Capability, LexMode::Initial}}, {"if", {Tok::If, LexMode::Expr}},
      {"else", {Tok::Else, LexMode::Initial}}, {"not", {Tok::Not, LexMode::Initial}},
      {"defined", {Tok::Defined, LexMode::Initial}},
      {"change_profile", {Tok::ChangeProfile, LexMode::ChangeProfile}},
      {"unsafe", {Tok::Unsafe, LexMode::Initial}}, {"safe", {Tok::Safe, LexMode::Initial}},
      {"link", {Tok::Link, LexMode::Initial}}, {"owner", {Tok::Owner, LexMode::Initial}},
      {"user", {Tok::Owner, LexMode::Initial}}, {"other", {Tok::Other, LexMode::Initial}},
      {"subset", {Tok::Subset, LexMode::Initial}}, {"audit", {Tok::Audit, LexMode::Initial}},
      {"deny", {Tok::Deny, LexMode::Initial}}, {"allow", {Tok::Allow, LexMode::Initial}},
      {"prompt", {Tok::Prompt, LexMode::Initial}}, {"set", {Tok::Set, LexMode::Initial}},
      {"rlimit", {Tok::Rlimit, LexMode::Rlimit}}, {"alias", {Tok::Alias, LexMode::Initial}},
      {"rewrite", {Tok::Alias, LexMode::Initial}}, {"ptrace", {Tok::Ptrace, LexMode::Ptrace}},
      {"file", {Tok::File, LexMode::Initial}}, {"mount", {Tok::Mount, LexMode::Mount}},
      {"remount", {Tok::Remount, LexMode::Mount}}, {"umount", {Tok::Umount, LexMode::Mount}},
      {"unmount", {Tok::Umount, LexMode::Mount}}, {"pivot_root", {Tok::PivotRoot, LexMode::Initial}},
      {"in", {Tok::In, LexMode::Initial}}, {"dbus", {Tok::Dbus, LexMode::Dbus}},
      {"signal", {Tok::Signal, LexMode::Signal}}, {"send", {Tok::Send, LexMode::Initial}},
      {"receive", {Tok::Receive, LexMode::Initial}}, {"bind", {Tok::Bind, LexMode::Initial}},
      {"read", {Tok::Read, LexMode::Initial}}, {"write", {Tok::Write, LexMode::Initial}},
      {"eavesdrop", {Tok::Eavesdrop, LexMode::Initial}}, {"peer", {Tok::Peer, LexMode::Initial}},
      {"trace", {Tok::Trace, LexMode::Initial}}, {"tracedby", {Tok::TracedBy, LexMode::Initial}},
      {"readby", {Tok::ReadBy, LexMode::Initial}}, {"abi", {Tok::Abi, LexMode::Abi}},
      {"userns", {Tok::Userns, LexMode::Userns}}, {"mqueue", {Tok::Mqueue, LexMode::Mqueue}},
      {"delete", {Tok::Delete, LexMode::Initial}}, {"open", {Tok::Open, LexMode::Initial}},
      {"io_uring", {Tok::IoUring, LexMode::Initial}},
      {"override_creds", {Tok::OverrideCreds, LexMode::Initial}},
      {"sqpoll", {Tok::Sqpoll, LexMode::Initial}}, {"all", {Tok::All, LexMode::Initial}},
      {"priority", {Tok::Priority, LexMode::Initial}},
  };
  return k;
}

constexpr size_t kMaxIncludeDepth = 64;

} // namespace

const char *lexModeName(LexMode m) {
  static constexpr const char *kNames[] = {
      "INITIAL", "SUB_ID", "SUB_ID_WS", "SUB_VALUE", "IDENTITY_VALUE", "EXTCOND_MODE", "EXTCONDLIST_MODE",
      "NETWORK_MODE", "LIST_VAL_MODE", "LIST_COND_MODE", "LIST_COND_VAL", "LIST_COND_PAREN_VAL", "ASSIGN_MODE",
      "RLIMIT_MODE", "MOUNT_MODE", "DBUS_MODE", "SIGNAL_MODE", "PTRACE_MODE", "UNIX_MODE",
      "CHANGE_PROFILE_MODE", "INCLUDE", "INCLUDE_EXISTS", "ABI_MODE", "USERNS_MODE", "MQUEUE_MODE",
      "IOURING_MODE", "INTEGER_MODE", "EXPR_MODE", "ASSIGN_EXPR_MODE", "ASSIGN_EXPR_START"};
  return kNames[static_cast<size_t>(m)];
}

void Lexer::start(uint32_t file) {
  Buffer top{file};
  top.started = true;  // the file being compiled is not worth recording
  buffers_.push_back(std::move(top));
  includeScopes_.back().insert(sm_.path(file));
}

void Lexer::popMode() {
  if (!buffers_.empty() && !modeStack_.empty() && modeStack_.size() <= buffers_.back().startDepth)
    buffers_.back().balanced = false;  // the file's tokens depend on what included it
  if (modeStack_.empty()) {
    mode_ = LexMode::Initial;
    return;
  }
  mode_ = modeStack_.back();
  modeStack_.pop_back();
}

void Lexer::unexpected(const char *p, SourceLoc loc) {
  unsigned char c = static_cast<unsigned char>(*p);
  std::string shown = c >= 0x20 && c < 0x7f ? std::string(1, static_cast<char>(c))
                      : c == '\n'           ? std::string("\\n")
                                            : fmt::format("\\x{:02x}", c);
  fail(loc, fmt::format("Lexer found unexpected character: '{}' (0x{:x}) in state: {}", shown, c,
                        lexModeName(mode_)));
}

void Lexer::pushFile(const std::string &path, SourceLoc from) {
  if (buffers_.size() >= kMaxIncludeDepth)
    fail(from, fmt::format("includes nested more than {} deep at '{}'", kMaxIncludeDepth, path));
  std::string error;
  auto text = resolver_.read(path, error);
  if (!text)
    fail(from, fmt::format("Could not open '{}': {}", path, error));
  uint32_t id = sm_.addFile(path, std::move(text), from);
  included_.push_back(path);
  buffers_.push_back(Buffer{id});
}

// Called when a buffer is first read: the modes it starts in are known
// only then (entries of an included directory wait their turn on the
// stack), and they decide whether a recording fits it.
void Lexer::startBuffer(Buffer &buf) {
  buf.started = true;
  buf.startMode = mode_;
  buf.startDepth = modeStack_.size();
  if (!cache_)
    return;
  const std::string &path = sm_.path(buf.file);
  if ((buf.replay = cache_->find(path, static_cast<uint8_t>(mode_))))
    return;
  buf.recording = std::make_unique<LexRecording>();
}

// The top buffer is exhausted: keep its recording when it may be replayed
// anywhere, and tell the includer when it may not.
void Lexer::finishBuffer() {
  Buffer &buf = buffers_.back();
  bool balanced = buf.balanced && mode_ == buf.startMode && modeStack_.size() == buf.startDepth;
  if (buf.recording && balanced)
    cache_->store(sm_.path(buf.file), static_cast<uint8_t>(buf.startMode), std::move(buf.recording));
  buffers_.pop_back();
  if (!balanced && !buffers_.empty())
    buffers_.back().balanced = false;
}

void Lexer::record(LexEvent event) {
  if (!buffers_.empty() && buffers_.back().recording)
    buffers_.back().recording->events.push_back(std::move(event));
}

// One event of a recording: a token (returned, rebased on this inclusion's
// file id) or an include directive (carried out again, in the modes it was
// met in).
std::optional<Token> Lexer::replayStep() {
  Buffer &buf = buffers_.back();
  if (buf.nextEvent == buf.replay->events.size()) {
    mode_ = buf.startMode;
    modeStack_.resize(buf.startDepth);
    buffers_.pop_back();
    return std::nullopt;
  }
  const LexEvent &e = buf.replay->events[buf.nextEvent++];
  Token t = e.token;
  t.loc.file = buf.file;
  if (!e.include)
    return t;
  mode_ = static_cast<LexMode>(e.mode);
  modeStack_.resize(buf.startDepth);
  for (uint8_t m : e.modeStack)
    modeStack_.push_back(static_cast<LexMode>(m));
  include(e.includeName, t.loc, e.ifExists);
  return std::nullopt;
}

void Lexer::include(const std::string &rawName, SourceLoc loc, bool ifExists) {
  bool search = !rawName.empty() && rawName.front() == '<';
  std::string_view inner = rawName;
  if (search)
    inner = inner.substr(1, inner.size() - 2);
  while (!inner.empty() && (inner.front() == ' ' || inner.front() == '\t'))
    inner.remove_prefix(1);
  while (!inner.empty() && (inner.back() == ' ' || inner.back() == '\t' || inner.back() == '\r'))
    inner.remove_suffix(1);
  std::string name = processId(inner);
  auto &seen = includeScopes_.back();

  std::string full;
  if (search) {
    auto found = resolver_.search(name);
    if (!found) {
      if (ifExists)
        return;
      fail(loc, fmt::format("Could not open '{}'", name));
    }
    full = *found;
  } else {
    full = name;
    if (resolver_.kind(full) == PathKind::Missing) {
      if (ifExists)
        return;
      fail(loc, fmt::format("Could not open '{}'", name));
    }
  }
  if (seen.count(full)) {
    // Already included in this scope: apparmor_parser skips re-includes,
    // which also breaks cycles. A cycle is worth a warning with its chain.
    for (const Buffer &b : buffers_)
      if (sm_.path(b.file) == full) {
        diags_.warning(loc, WarningFlag::IncludeCycle,
                       fmt::format("include cycle: '{}' is already being read; skipped", name));
        break;
      }
    return;
  }
  PathKind kind = resolver_.kind(full);
  if (kind == PathKind::Directory) {
    std::vector<std::string> loud;
    auto entries = resolver_.directoryEntries(full, loud);
    for (const auto &l : loud)
      diags_.warning(loc, WarningFlag::None, fmt::format("Ignoring: '{}'", l));
    // apparmor_parser pushes every entry onto its buffer stack as it walks
    // the directory, so the last entry is read first.
    for (const auto &entry : entries) {
      if (seen.count(entry))
        continue;
      seen.insert(entry);
      pushFile(entry, loc);
    }
    return;
  }
  if (kind != PathKind::File)
    fail(loc, fmt::format("Could not open '{}'", full));
  seen.insert(full);
  pushFile(full, loc);
}

std::string Lexer::resolveAbi(const std::string &name, bool search, SourceLoc loc) {
  if (!search)
    return name;
  auto found = resolver_.search(name);
  if (!found)
    return {};
  return *found;
}

Token Lexer::next() {
  for (;;) {
    if (buffers_.empty())
      return Token{Tok::End, {}, {}, 0};
    Buffer &buf = buffers_.back();
    if (!buf.started)
      startBuffer(buf);
    if (buf.replay) {
      if (auto t = replayStep())
        return *t;
      continue;
    }
    if (buf.pos >= sm_.text(buf.file).size()) {
      SourceLoc endLoc{buf.file, buf.pos};
      finishBuffer();
      if (buffers_.empty())
        return Token{Tok::End, {}, endLoc, 0};
      continue;
    }
    size_t from = buffers_.size() - 1;
    std::optional<Token> t = lexToken();
    if (!t)
      continue;
    if (buffers_[from].recording)
      buffers_[from].recording->events.push_back(LexEvent{*t});
    return *t;
  }
}

// Lexes one token of the top buffer; nullopt when the match produced none
// (blanks, comments, an include spliced in).
std::optional<Token> Lexer::lexToken() {
  {
    Buffer &buf = buffers_.back();
    std::string_view text = sm_.text(buf.file);
    const char *p = text.data() + buf.pos;
    const char *e = text.data() + text.size();
    SourceLoc loc{buf.file, buf.pos};

    Rule best = R_Newline;
    Match bestMatch;
    for (Rule r : rulesFor(mode_)) {
      if (r == R_AssignComment && dialect_ == Dialect::V3_0)
        continue;  // 3.0.8 reads `# ...` after a value as more values
      Match m = matchRule(r, p, e);
      if (m.total > bestMatch.total) {
        best = r;
        bestMatch = m;
      }
    }
    if (!bestMatch)
      unexpected(p, loc);

    std::string_view tokText(p, bestMatch.token);
    buf.pos += bestMatch.token;
    auto make = [&](Tok t, std::string s) { return Token{t, std::move(s), loc, bestMatch.token}; };
    auto raw = [&](Tok t) { return make(t, std::string(tokText)); };
    auto id = [&](Tok t) { return make(t, processId(tokText)); };

    switch (best) {
    case R_WS: case R_Newline: case R_Comment: case R_ListValComma: case R_ListCondComma:
    case R_AssignContinuation: case R_AeContinuation:
      return std::nullopt;
    case R_AssignComment: case R_AssignNewline: case R_AeComment: case R_AeNewline:
      popMode();
      return std::nullopt;
    case R_IncName: {
      if (mode_ == LexMode::Abi)
        return make(tokText.front() == '<' ? Tok::Id : Tok::Value, std::string(tokText));
      bool ifExists = mode_ == LexMode::IncludeExists;
      popMode();
      if (buf.recording) {
        LexEvent e{Token{Tok::End, {}, loc, bestMatch.token}, true, ifExists, std::string(tokText),
                   static_cast<uint8_t>(mode_), {}};
        for (size_t i = buf.startDepth; i < modeStack_.size(); ++i)
          e.modeStack.push_back(static_cast<uint8_t>(modeStack_[i]));
        buf.recording->events.push_back(std::move(e));
      }
      include(std::string(tokText), loc, ifExists);
      return std::nullopt;
    }
    case R_IdentitiesEq:
      if (mode_ == LexMode::IdentityValue)
        mode_ = LexMode::ExtCond;
      else
        pushMode(LexMode::ExtCond);
      return id(Tok::Identities);
    case R_CondListParen: pushMode(LexMode::ExtCondList); return id(Tok::CondListId);
    case R_PriorityEq: pushMode(LexMode::Integer); return raw(Tok::Priority);
    case R_FlagsEq: pushMode(LexMode::ExtCond); return raw(Tok::Flags);
    case R_VarNameEq: case R_VarNameColonEq: case R_VarNameIn: pushMode(LexMode::ExtCond); return id(Tok::CondId);
    case R_SubId: popMode(); return id(Tok::Id);
    case R_SubValue: case R_IdentityValue: case R_ListCondValValue: popMode(); return id(Tok::Value);
    case R_ListValClose: case R_ListCondClose: popMode(); return raw(Tok::CloseParen);
    case R_ListValValue: case R_ListCondParenValue: case R_AssignValue: return id(Tok::Value);
    case R_ExtEqualsValue: mode_ = LexMode::SubValue; return raw(Tok::Equals);
    case R_ExtEquals: case R_ExtListEquals: case R_IntEquals: return raw(Tok::Equals);
    case R_ExtOpenParen: mode_ = LexMode::ListVal; return raw(Tok::OpenParen);
    case R_ExtIn: return raw(Tok::In);
    case R_ListCondParenClose: popMode(); return std::nullopt;
    case R_ListCondId: return id(Tok::CondId);
    case R_ListCondEqParen: pushMode(LexMode::ListCondParenVal); return raw(Tok::Equals);
    case R_ListCondEq: pushMode(LexMode::ListCondVal); return raw(Tok::Equals);
    case R_ExtListOpenParen: mode_ = LexMode::ListCond; return raw(Tok::OpenParen);
    case R_AssignComma: case R_AeComma:
      fail(loc, "Variable declarations do not accept trailing commas");
    case R_CpSafe: return raw(Tok::Safe);
    case R_CpUnsafe: return raw(Tok::Unsafe);
    case R_CpArrow: case R_Arrow: pushMode(LexMode::SubIdWs); return raw(Tok::Arrow);
    case R_CpId: case R_ModeId: case R_ExId: return id(Tok::Id);
    case R_RlimitNumber: return raw(Tok::Value);
    case R_RlimitWord: return raw(tokText == "infinity" ? Tok::Value : Tok::Id);
    case R_RlimitLe: case R_ExLe: return raw(Tok::Le);
    case R_KwListen: return raw(Tok::Listen);
    case R_KwAccept: return raw(Tok::Accept);
    case R_KwConnect: return raw(Tok::Connect);
    case R_KwGetopt: return raw(Tok::Getopt);
    case R_KwSetopt: return raw(Tok::Setopt);
    case R_KwShutdown: return raw(Tok::Shutdown);
    case R_KwCreate: return raw(Tok::Create);
    case R_KwOpen: return raw(Tok::Open);
    case R_KwDelete: return raw(Tok::Delete);
    case R_KwGetattr: return raw(Tok::Getattr);
    case R_KwSetattr: return raw(Tok::Setattr);
    case R_KwBind: return raw(Tok::Bind);
    case R_KwEavesdrop: return raw(Tok::Eavesdrop);
    case R_KwSend: return raw(Tok::Send);
    case R_KwReceive: return raw(Tok::Receive);
    case R_KwTrace: return raw(Tok::Trace);
    case R_KwReadby: return raw(Tok::ReadBy);
    case R_KwTracedby: return raw(Tok::TracedBy);
    case R_KwRead: return raw(Tok::Read);
    case R_KwWrite: return raw(Tok::Write);
    case R_ModeOpenParen: case R_OpenParen: pushMode(LexMode::ListVal); return raw(Tok::OpenParen);
    case R_RwMode: case R_Modes: return raw(Tok::Mode);
    case R_MountArrow: return raw(Tok::Arrow);
    case R_KwOverrideCreds: return raw(Tok::OverrideCreds);
    case R_KwSqpoll: return raw(Tok::Sqpoll);
    case R_IntValue: popMode(); return raw(Tok::Value);
    case R_BoolVarAssign: pushMode(LexMode::AssignExprStart); return raw(Tok::BoolVar);
    case R_SetVarTok: return raw(Tok::SetVar);
    case R_BoolVarTok: return raw(Tok::BoolVar);
    case R_ExprOpenBrace: popMode(); return raw(Tok::Open);
    case R_ExOpenParen: return raw(Tok::OpenParen);
    case R_ExCloseParen: return raw(Tok::CloseParen);
    case R_ExAnd: return raw(Tok::And);
    case R_ExOr: return raw(Tok::Or);
    case R_ExNot: return raw(Tok::Not);
    case R_ExDefined: return raw(Tok::Defined);
    case R_ExEq: return raw(Tok::EqOp);
    case R_ExNe: return raw(Tok::NeOp);
    case R_ExIn: return raw(Tok::InOp);
    case R_ExGt: return raw(Tok::Gt);
    case R_ExGe: return raw(Tok::Ge);
    case R_ExLt: return raw(Tok::Lt);
    case R_AesEquals: mode_ = LexMode::AssignExpr; return raw(Tok::Equals);
    case R_AesAdd: mode_ = LexMode::AssignExpr; return raw(Tok::AddAssign);
    case R_AesCond: mode_ = LexMode::AssignExpr; return raw(Tok::CondAssign);
    case R_AesOverride: mode_ = LexMode::AssignExpr; return raw(Tok::OverrideAssign);
    case R_HashIncludeIfExists: case R_IncludeIfExists:
      pushMode(LexMode::IncludeExists);
      return std::nullopt;
    case R_HashInclude: case R_Include:
      pushMode(LexMode::Include);
      return std::nullopt;
    case R_All: return raw(Tok::All);
    case R_Caret: pushMode(LexMode::SubId); return raw(Tok::Caret);
    case R_Equals: pushMode(LexMode::Assign); return raw(Tok::Equals);
    case R_Plus: pushMode(LexMode::IdentityValue); return raw(Tok::Plus);
    case R_AddAssign: pushMode(LexMode::Assign); return raw(Tok::AddAssign);
    case R_CondAssign: pushMode(LexMode::Assign); return raw(Tok::CondAssign);
    case R_OverrideAssign: pushMode(LexMode::Assign); return raw(Tok::OverrideAssign);
    case R_OpenBrace: return raw(Tok::Open);
    case R_CloseBrace: return raw(Tok::Close);
    case R_Label: return id(Tok::Id);
    case R_Hat: pushMode(LexMode::SubId); return raw(Tok::Hat);
    case R_Profile: pushMode(LexMode::SubId); return raw(Tok::Profile);
    case R_Colon: return raw(Tok::Colon);
    case R_VarName: {
      auto it = keywords().find(tokText);
      if (it == keywords().end())
        return id(Tok::Id);
      pushMode(it->second.mode);
      return raw(it->second.tok);
    }
    case R_EndOfRule:
      if (mode_ != LexMode::Initial)
        popMode();
      return raw(Tok::EndOfRule);
    }
    unexpected(p, loc);
  }
}

} // namespace aasim::frontend
