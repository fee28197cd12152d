#include "parser.h"

#include "fatal_error.h"
#include "escapes.h"
#include "lexer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <strings.h>

namespace aasim::frontend {
namespace {

using namespace ast;

constexpr int kMinPriority = -1000;
constexpr int kMaxPriority = 1000;
constexpr int kMaxBlockDepth = 200;

bool isPermToken(RuleClass cls, Tok t) {
  switch (cls) {
  case RuleClass::Network: case RuleClass::Unix:
    switch (t) {
    case Tok::Create: case Tok::Bind: case Tok::Listen: case Tok::Accept: case Tok::Connect: case Tok::Shutdown:
    case Tok::Getattr: case Tok::Setattr: case Tok::Getopt: case Tok::Setopt: case Tok::Send: case Tok::Receive:
    case Tok::Read: case Tok::Write: case Tok::Mode:
      return true;
    default: return false;
    }
  case RuleClass::Dbus:
    return t == Tok::Bind || t == Tok::Send || t == Tok::Receive || t == Tok::Read || t == Tok::Write ||
           t == Tok::Eavesdrop || t == Tok::Mode;
  case RuleClass::Signal:
    return t == Tok::Send || t == Tok::Receive || t == Tok::Read || t == Tok::Write || t == Tok::Mode;
  case RuleClass::Ptrace:
    return t == Tok::Trace || t == Tok::TracedBy || t == Tok::Read || t == Tok::Write || t == Tok::ReadBy ||
           t == Tok::Mode;
  case RuleClass::Userns:
    return t == Tok::Create;
  case RuleClass::Mqueue:
    return t == Tok::Create || t == Tok::Open || t == Tok::Delete || t == Tok::Getattr || t == Tok::Setattr ||
           t == Tok::Write || t == Tok::Read || t == Tok::Mode;
  case RuleClass::IoUring:
    return t == Tok::OverrideCreds || t == Tok::Sqpoll;
  default:
    return false;
  }
}

/// Operand of a conditional comparison: its text and whether it was a
/// variable reference.
struct Operand {
  std::string text;
  bool isSetVar = false;
  SourceLoc loc;
};

class Parser {
public:
  Parser(ParseInputs in) : in_(in), lex_(in.sm, in.resolver, in.diags, in.dialect, in.tokens), vars_(in.vars) {}

  Policy run(uint32_t file) {
    lex_.start(file);
    advance();
    Policy policy;
    for (;;) {
      if (at(Tok::SetVar) || at(Tok::BoolVar))
        policy.preamble.push_back({parseVarAssign()});
      else if (at(Tok::Alias))
        policy.preamble.push_back({parseAlias()});
      else if (at(Tok::Abi))
        policy.preamble.push_back({parseAbi()});
      else
        break;
    }
    while (!at(Tok::End))
      policy.profiles.push_back(parseProfile(ProfileKind::Top));
    return policy;
  }

private:
  // --- token helpers -------------------------------------------------
  void advance() { tok_ = lex_.next(); }
  bool at(Tok t) const { return tok_.kind == t; }
  [[noreturn]] void syntaxError(const char *expecting = nullptr) {
    if (expecting)
      fail(tok_.loc, fmt::format("syntax error, unexpected {}, expecting {}", tokenName(tok_.kind), expecting));
    fail(tok_.loc, fmt::format("syntax error, unexpected {}", tokenName(tok_.kind)));
  }
  Token take(Tok t, const char *expecting) {
    if (!at(t))
      syntaxError(expecting);
    Token out = std::move(tok_);
    advance();
    return out;
  }
  Word takeWord(Tok t, const char *expecting) {
    Token tk = take(t, expecting);
    return Word{std::move(tk.text), tk.loc};
  }
  Word takeIdOrVar() {
    if (!at(Tok::Id) && !at(Tok::SetVar))
      syntaxError("TOK_ID");
    Token tk = std::move(tok_);
    advance();
    return Word{std::move(tk.text), tk.loc};
  }
  void expectEndOfRule() { take(Tok::EndOfRule, "TOK_END_OF_RULE"); }

  // --- preamble --------------------------------------------------------
  Alias parseAlias() {
    Alias a;
    a.loc = tok_.loc;
    advance();
    a.from = takeWord(Tok::Id, "TOK_ID");
    take(Tok::Arrow, "TOK_ARROW");
    a.to = takeWord(Tok::Id, "TOK_ID");
    expectEndOfRule();
    return a;
  }

  AbiRule parseAbi() {
    AbiRule r;
    r.loc = tok_.loc;
    advance();
    if (!at(Tok::Id) && !at(Tok::Value))
      syntaxError("TOK_ID");
    std::string text = tok_.text;
    r.search = at(Tok::Id);
    if (r.search && text.size() >= 2)
      text = text.substr(1, text.size() - 2);
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
      text.erase(0, 1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
      text.pop_back();
    r.name = Word{processId(text), tok_.loc};
    advance();
    expectEndOfRule();
    return r;
  }

  static AssignOp assignOp(Tok t) {
    switch (t) {
    case Tok::AddAssign: return AssignOp::Add;
    case Tok::CondAssign: return AssignOp::DefineIfAbsent;
    case Tok::OverrideAssign: return AssignOp::Override;
    default: return AssignOp::Define;
    }
  }

  VarAssign parseVarAssign() {
    VarAssign v;
    v.loc = tok_.loc;
    bool isBool = at(Tok::BoolVar);
    v.name = Word{tok_.text, tok_.loc};
    advance();
    if (!at(Tok::Equals) && !at(Tok::AddAssign) && !at(Tok::CondAssign) && !at(Tok::OverrideAssign))
      syntaxError("TOK_EQUALS");
    v.op = assignOp(tok_.kind);
    SourceLoc opLoc = tok_.loc;
    advance();
    std::string name = variableBaseName(v.name.text);
    if (isBool) {
      if (v.op == AssignOp::Add)
        fail(opLoc, "Invalid assignment += not allowed with boolean variables");
      bool value = parseExpr();
      v.boolean = value;
      if (v.op == AssignOp::Override)
        vars_.remove(name);
      if (vars_.exists(name)) {
        if (v.op == AssignOp::Define)
          fail(v.loc, fmt::format("variable {} was previously declared", v.name.text));
        return v;  // ?= keeps the old value
      }
      vars_.defineBool(name, value);
      return v;
    }
    if (!at(Tok::Value))
      syntaxError("TOK_VALUE");
    while (at(Tok::Value)) {
      v.values.push_back(Word{tok_.text, tok_.loc});
      advance();
    }
    std::vector<std::string> values;
    for (const auto &w : v.values)
      values.push_back(w.text);
    switch (v.op) {
    case AssignOp::Add:
      if (!vars_.isSet(name))
        fail(v.loc, fmt::format("variable {} was not previously declared, but is being assigned additional values",
                                v.name.text));
      vars_.addToSet(name, values);
      break;
    case AssignOp::Override:
      vars_.remove(name);
      vars_.defineSet(name, values, v.loc);
      break;
    case AssignOp::Define:
    case AssignOp::DefineIfAbsent:
      if (vars_.exists(name)) {
        if (v.op == AssignOp::Define)
          fail(v.loc, fmt::format("variable {} was previously declared", v.name.text));
        in_.diags.note(v.loc, fmt::format("'{}' is already defined", v.name.text));
        break;
      }
      vars_.defineSet(name, values, v.loc);
      break;
    }
    return v;
  }

  // --- conditional expressions ------------------------------------------
  bool parseExpr() {
    bool value = parseTerm();
    while (at(Tok::Or)) {
      advance();
      bool rhs = parseTerm();  // evaluated even when value is true: errors are never short-circuited
      value = value || rhs;
    }
    return value;
  }
  bool parseTerm() {
    bool value = parseNotFactor();
    while (at(Tok::And)) {
      advance();
      bool rhs = parseNotFactor();
      value = value && rhs;
    }
    return value;
  }
  bool parseNotFactor() {
    if (at(Tok::Not)) {
      advance();
      return !parseNotFactor();
    }
    return parseFactor();
  }

  bool parseFactor() {
    SourceLoc loc = tok_.loc;
    if (at(Tok::BoolVar)) {
      std::string name = variableBaseName(tok_.text);
      std::string shown = tok_.text;
      advance();
      auto value = vars_.findBool(name);
      if (!value)
        fail(loc, fmt::format("Unset boolean variable {} used in if-expression", shown));
      return *value;
    }
    if (at(Tok::Defined)) {
      advance();
      if (at(Tok::SetVar)) {
        std::string name = variableBaseName(tok_.text);
        advance();
        return vars_.isSet(name);
      }
      if (at(Tok::BoolVar)) {
        // apparmor_parser 6.0 looks `defined $B` up as a set variable, so it
        // is always false.
        std::string name = variableBaseName(tok_.text);
        advance();
        in_.diags.note(loc, fmt::format("Variable {} is not a set variable", name));
        return false;
      }
      syntaxError("TOK_SET_VAR");
    }
    if (at(Tok::OpenParen)) {
      advance();
      bool v = parseExpr();
      take(Tok::CloseParen, "TOK_CLOSEPAREN");
      return v;
    }
    if (at(Tok::Id) || at(Tok::SetVar)) {
      Operand lhs{tok_.text, at(Tok::SetVar), tok_.loc};
      advance();
      Tok op = tok_.kind;
      switch (op) {
      case Tok::EqOp: case Tok::NeOp: case Tok::InOp: case Tok::Gt: case Tok::Ge: case Tok::Lt: case Tok::Le: {
        advance();
        if (!at(Tok::Id) && !at(Tok::SetVar))
          syntaxError("TOK_ID");
        Operand rhs{tok_.text, at(Tok::SetVar), tok_.loc};
        advance();
        return compare(lhs, op, rhs);
      }
      default:
        break;
      }
      if (lhs.isSetVar || !(strcasecmp(lhs.text.c_str(), "true") == 0 || strcasecmp(lhs.text.c_str(), "false") == 0))
        fail(lhs.loc, fmt::format("Invalid boolean : '{}' is not true or false", lhs.text));
      return strcasecmp(lhs.text.c_str(), "true") == 0;
    }
    syntaxError();
  }

  std::set<std::string> operandSet(const Operand &o) {
    if (o.isSetVar) {
      ExpandError err;
      std::string name = variableBaseName(o.text);
      if (!vars_.isSet(name))
        fail(o.loc, fmt::format("Error retrieving variable {}", o.text));
      auto s = vars_.expandSet(name, err);
      if (!s)
        fail(o.loc, err.message);
      return *s;
    }
    ExpandError err;
    auto s = vars_.expandToSet(o.text, err);
    if (!s)
      fail(o.loc, err.message);
    return *s;
  }

  static std::optional<long> asNumber(const std::set<std::string> &s) {
    if (s.size() != 1 || s.begin()->empty())
      return std::nullopt;
    const char *str = s.begin()->c_str();
    char *end = nullptr;
    errno = 0;
    long v = std::strtol(str, &end, 0);
    if (end == str || *end != '\0')
      return std::nullopt;
    return v;
  }

  bool compare(const Operand &lhs, Tok op, const Operand &rhs) {
    std::set<std::string> a = operandSet(lhs), b = operandSet(rhs);
    switch (op) {
    case Tok::EqOp: return a == b;
    case Tok::NeOp: return a != b;
    case Tok::InOp: return std::includes(b.begin(), b.end(), a.begin(), a.end());
    default: break;
    }
    auto na = asNumber(a), nb = asNumber(b);
    int cmp;
    if (na && nb)
      cmp = *na < *nb ? -1 : *na > *nb ? 1 : 0;
    else if (!na && !nb)
      cmp = a < b ? -1 : b < a ? 1 : 0;
    else
      fail(lhs.loc, "Can only compare numbers with numbers");
    switch (op) {
    case Tok::Gt: return cmp > 0;
    case Tok::Ge: return cmp >= 0;
    case Tok::Lt: return cmp < 0;
    case Tok::Le: return cmp <= 0;
    default: return false;
    }
  }

  // --- profiles --------------------------------------------------------
  std::vector<Word> parseParenValues() {
    take(Tok::OpenParen, "TOK_OPENPAREN");
    std::vector<Word> values;
    if (!at(Tok::Value))
      syntaxError("TOK_VALUE");
    while (at(Tok::Value)) {
      values.push_back(Word{tok_.text, tok_.loc});
      advance();
    }
    take(Tok::CloseParen, "TOK_CLOSEPAREN");
    return values;
  }

  Profile parseProfile(ProfileKind context) {
    Profile p;
    p.loc = tok_.loc;
    p.kind = context;
    if (at(Tok::Profile)) {
      p.keyword = true;
      advance();
    } else if (at(Tok::Caret) || at(Tok::Hat)) {
      p.keyword = true;
      p.kind = ProfileKind::Hat;
      advance();
    } else if (context != ProfileKind::Top) {
      syntaxError();
    }
    if (!at(Tok::Id))
      syntaxError("TOK_ID");
    p.name = Word{tok_.text, tok_.loc};
    advance();
    if (at(Tok::Id) || at(Tok::SetVar)) {
      p.attachment = Word{tok_.text, tok_.loc};
      advance();
    }
    if (at(Tok::CondListId)) {
      p.xattrs = parseCondList();
      if (p.xattrs->name.text != "xattrs")
        fail(p.xattrs->name.loc, fmt::format("profile id: invalid conditional group {}=()", p.xattrs->name.text));
    }
    while (at(Tok::Plus)) {
      advance();
      take(Tok::Identities, "TOK_IDENTITIES");
      take(Tok::Equals, "TOK_EQUALS");
      auto values = parseParenValues();
      for (const auto &v : values)
        if (!v.text.empty() && v.text[0] != '/' && v.text.find(' ') != std::string::npos)
          fail(v.loc, fmt::format("Space character not allowed in identities: '{}'", v.text));
      p.identities.push_back(std::move(values));
    }
    if (at(Tok::Flags)) {
      advance();
      take(Tok::Equals, "TOK_EQUALS");
      p.flags = parseParenValues();
    } else if (at(Tok::OpenParen)) {
      p.flags = parseParenValues();
    }
    if (!at(Tok::Open))
      syntaxError("TOK_OPEN");
    lex_.pushIncludeScope();
    advance();
    parseRules(p.body, 0);
    if (!at(Tok::Close))
      syntaxError("TOK_CLOSE");
    p.closeLoc = tok_.loc;
    lex_.popIncludeScope();
    advance();

    if (p.attachment && !(p.attachment->text[0] == '/' || p.attachment->text.rfind("@{", 0) == 0))
      fail(p.attachment->loc, "Profile attachment must begin with a '/' or variable.");
    if (p.kind == ProfileKind::Hat && p.xattrs && context != ProfileKind::Top)
      fail(p.loc, "hat profiles can't use xattrs matches");
    if (context == ProfileKind::Top) {
      const std::string &n = p.name.text;
      if (n.rfind("&", 0) == 0)
        fail(p.name.loc, "Profile names must begin with a '/' or a namespace");
      if (n[0] != '/' && !p.keyword && n[0] != ':')
        fail(p.name.loc, "Profile names must begin with a '/', namespace or keyword 'profile' or 'hat'.");
    }
    return p;
  }

  // --- rules -----------------------------------------------------------
  Prefix parsePrefix() {
    Prefix pre;
    pre.loc = tok_.loc;
    if (at(Tok::Priority)) {
      advance();
      take(Tok::Equals, "TOK_EQUALS");
      Token v = take(Tok::Value, "TOK_VALUE");
      char *end = nullptr;
      errno = 0;
      long n = std::strtol(v.text.c_str(), &end, 10);
      if (end == v.text.c_str() || *end != '\0')
        fail(v.loc, fmt::format("invalid priority {}", v.text));
      if (n > kMaxPriority || errno == ERANGE)
        fail(v.loc, fmt::format("invalid priority {} > {}", n, kMaxPriority));
      if (n < kMinPriority)
        fail(v.loc, fmt::format("invalid priority {} > {}", n, kMinPriority));
      pre.priority = static_cast<int>(n);
    }
    if (at(Tok::Audit)) {
      pre.audit = true;
      advance();
    }
    if (at(Tok::Allow) || at(Tok::Deny) || at(Tok::Prompt)) {
      pre.mode = at(Tok::Allow) ? RuleMode::Allow : at(Tok::Deny) ? RuleMode::Deny : RuleMode::Prompt;
      advance();
    }
    if (at(Tok::Owner) || at(Tok::Other)) {
      pre.owner = at(Tok::Owner) ? OwnerQual::Owner : OwnerQual::Other;
      advance();
    }
    return pre;
  }

  void parseRules(std::vector<Stmt> &out, int depth) {
    if (depth > kMaxBlockDepth)
      fail(tok_.loc, fmt::format("blocks nested more than {} deep", kMaxBlockDepth));
    for (;;) {
      switch (tok_.kind) {
      case Tok::Close: case Tok::End:
        return;
      case Tok::Abi:
        out.push_back({parseAbi()});
        continue;
      case Tok::Caret: case Tok::Hat:
        out.push_back({parseProfile(ProfileKind::Hat)});
        continue;
      case Tok::Profile:
        out.push_back({parseProfile(ProfileKind::Child)});
        continue;
      case Tok::If:
        out.push_back({parseConditional(depth)});
        continue;
      case Tok::Set:
        out.push_back({parseRlimit()});
        continue;
      default:
        break;
      }
      Prefix pre = parsePrefix();
      switch (tok_.kind) {
      case Tok::Open: {
        if (pre.priority)
          fail(pre.loc, "priority is not allowed on rule blocks");
        PrefixBlock b;
        b.prefix = pre;
        b.loc = tok_.loc;
        advance();
        parseRules(b.body, depth + 1);
        take(Tok::Close, "TOK_CLOSE");
        out.push_back({std::move(b)});
        break;
      }
      case Tok::Network: out.push_back({parseClassRule(RuleClass::Network, pre)}); break;
      case Tok::Unix: out.push_back({parseClassRule(RuleClass::Unix, pre)}); break;
      case Tok::Dbus: out.push_back({parseClassRule(RuleClass::Dbus, pre)}); break;
      case Tok::Signal: out.push_back({parseClassRule(RuleClass::Signal, pre)}); break;
      case Tok::Ptrace: out.push_back({parseClassRule(RuleClass::Ptrace, pre)}); break;
      case Tok::Mount: out.push_back({parseClassRule(RuleClass::Mount, pre)}); break;
      case Tok::Remount: out.push_back({parseClassRule(RuleClass::Remount, pre)}); break;
      case Tok::Umount: out.push_back({parseClassRule(RuleClass::Umount, pre)}); break;
      case Tok::PivotRoot: out.push_back({parseClassRule(RuleClass::PivotRoot, pre)}); break;
      case Tok::Userns: out.push_back({parseClassRule(RuleClass::Userns, pre)}); break;
      case Tok::Mqueue: out.push_back({parseClassRule(RuleClass::Mqueue, pre)}); break;
      case Tok::IoUring: out.push_back({parseClassRule(RuleClass::IoUring, pre)}); break;
      case Tok::All: {
        AllRule a{pre, tok_.loc};
        advance();
        expectEndOfRule();
        out.push_back({a});
        break;
      }
      case Tok::ChangeProfile: out.push_back({parseChangeProfile(pre)}); break;
      case Tok::Capability: out.push_back({parseCapability(pre)}); break;
      case Tok::Link: out.push_back({parseLink(pre)}); break;
      case Tok::File: case Tok::Unsafe: case Tok::Safe: case Tok::Id: case Tok::SetVar: case Tok::Mode:
        out.push_back({parseFileRule(pre)});
        break;
      default:
        syntaxError();
      }
    }
  }

  Conditional parseConditional(int depth) {
    Conditional c;
    c.loc = tok_.loc;
    advance();  // if
    bool value = parseExpr();
    take(Tok::Open, "TOK_OPEN");
    std::vector<Stmt> thenBody;
    parseRules(thenBody, depth + 1);
    take(Tok::Close, "TOK_CLOSE");
    c.conditionText = value ? "true" : "false";
    if (at(Tok::Else)) {
      advance();
      std::vector<Stmt> elseBody;
      if (at(Tok::If)) {
        elseBody.push_back({parseConditional(depth + 1)});
      } else {
        take(Tok::Open, "TOK_OPEN");
        parseRules(elseBody, depth + 1);
        take(Tok::Close, "TOK_CLOSE");
      }
      c.taken = value;
      c.body = value ? std::move(thenBody) : std::move(elseBody);
      return c;
    }
    c.taken = value;
    if (value)
      c.body = std::move(thenBody);
    return c;
  }

  Cond parseCond() {
    Cond c;
    c.name = takeWord(Tok::CondId, "TOK_CONDID");
    if (at(Tok::Equals)) {
      advance();
      c.op = Cond::Op::Equals;
      if (at(Tok::OpenParen)) {
        c.parenthesized = true;
        c.values = parseParenValues();
      } else {
        c.values.push_back(takeWord(Tok::Value, "TOK_VALUE"));
      }
    } else if (at(Tok::In)) {
      advance();
      c.op = Cond::Op::In;
      c.parenthesized = true;
      c.values = parseParenValues();
    }
    return c;
  }

  std::vector<Cond> parseConds() {
    std::vector<Cond> conds;
    while (at(Tok::CondId))
      conds.push_back(parseCond());
    return conds;
  }

  CondList parseCondList() {
    CondList l;
    l.name = takeWord(Tok::CondListId, "TOK_CONDLISTID");
    take(Tok::Equals, "TOK_EQUALS");
    take(Tok::OpenParen, "TOK_OPENPAREN");
    while (at(Tok::CondId)) {
      Cond c;
      c.name = Word{tok_.text, tok_.loc};
      advance();
      if (at(Tok::Equals)) {
        advance();
        c.op = Cond::Op::Equals;
        c.values.push_back(takeWord(Tok::Value, "TOK_VALUE"));
      }
      l.conds.push_back(std::move(c));
    }
    take(Tok::CloseParen, "TOK_CLOSEPAREN");
    return l;
  }

  ClassRule parseClassRule(RuleClass cls, const Prefix &pre) {
    ClassRule r;
    r.cls = cls;
    r.prefix = pre;
    r.loc = tok_.loc;
    advance();  // the class keyword
    // [perm | (perms)]
    if (at(Tok::OpenParen) && cls != RuleClass::Mount && cls != RuleClass::Remount && cls != RuleClass::Umount &&
        cls != RuleClass::PivotRoot) {
      advance();
      r.permsParenthesized = true;
      while (at(Tok::Value) || isPermToken(cls, tok_.kind)) {
        r.perms.push_back({Word{tok_.text, tok_.loc}, at(Tok::Mode)});
        advance();
      }
      take(Tok::CloseParen, "TOK_CLOSEPAREN");
    } else if (isPermToken(cls, tok_.kind)) {
      r.perms.push_back({Word{tok_.text, tok_.loc}, at(Tok::Mode)});
      advance();
    }
    switch (cls) {
    case RuleClass::Network:
      for (int i = 0; i < 2 && at(Tok::Id); ++i)
        r.ids.push_back(takeWord(Tok::Id, "TOK_ID"));
      r.conds = parseConds();
      if (at(Tok::CondListId))
        r.condList = parseCondList();
      break;
    case RuleClass::Unix: case RuleClass::Dbus: case RuleClass::IoUring:
      r.conds = parseConds();
      if (at(Tok::CondListId))
        r.condList = parseCondList();
      break;
    case RuleClass::Signal: case RuleClass::Ptrace: case RuleClass::Userns:
      r.conds = parseConds();
      break;
    case RuleClass::Mqueue:
      r.conds = parseConds();
      if (at(Tok::Id))
        r.ids.push_back(takeWord(Tok::Id, "TOK_ID"));
      break;
    case RuleClass::Mount: case RuleClass::Remount: case RuleClass::Umount: case RuleClass::PivotRoot:
      r.conds = parseConds();
      if (at(Tok::Id))
        r.ids.push_back(takeWord(Tok::Id, "TOK_ID"));
      if (at(Tok::Arrow) && (cls == RuleClass::Mount || cls == RuleClass::PivotRoot)) {
        advance();
        r.hasArrow = true;
        if (cls == RuleClass::Mount) {
          r.targetConds = parseConds();
          r.target = takeWord(Tok::Id, "TOK_ID");
        } else {
          r.target = takeIdOrVar();
        }
      }
      break;
    }
    if (r.condList && r.condList->name.text != "peer" && cls != RuleClass::IoUring)
      fail(r.condList->name.loc, fmt::format("{} rule: invalid conditional group {}=()", ruleClassName(cls),
                                             r.condList->name.text));
    expectEndOfRule();
    return r;
  }

  ChangeProfileRule parseChangeProfile(const Prefix &pre) {
    ChangeProfileRule r;
    r.prefix = pre;
    r.loc = tok_.loc;
    advance();
    if (at(Tok::Safe) || at(Tok::Unsafe)) {
      r.safety = at(Tok::Safe) ? ExecSafety::Safe : ExecSafety::Unsafe;
      advance();
    }
    if (at(Tok::Id))
      r.exec = takeWord(Tok::Id, "TOK_ID");
    if (at(Tok::Arrow)) {
      advance();
      r.target = takeIdOrVar();
    }
    expectEndOfRule();
    if (!r.exec && r.safety != ExecSafety::Unspecified)
      fail(r.loc, "Exec condition is required when unsafe or safe keywords are present");
    if (r.exec && !(r.exec->text[0] == '/' || r.exec->text.rfind("@{", 0) == 0))
      fail(r.exec->loc, "Exec condition must begin with '/'.");
    return r;
  }

  CapabilityRule parseCapability(const Prefix &pre) {
    CapabilityRule r;
    r.prefix = pre;
    r.loc = tok_.loc;
    advance();
    while (at(Tok::Id))
      r.names.push_back(takeWord(Tok::Id, "TOK_ID"));
    expectEndOfRule();
    return r;
  }

  LinkRule parseLink(const Prefix &pre) {
    LinkRule r;
    r.prefix = pre;
    r.loc = tok_.loc;
    advance();
    if (at(Tok::Subset) || at(Tok::Le)) {
      r.subset = true;
      advance();
    }
    r.link = takeIdOrVar();
    take(Tok::Arrow, "TOK_ARROW");
    r.target = takeIdOrVar();
    expectEndOfRule();
    return r;
  }

  FileRule parseFileRule(const Prefix &pre) {
    FileRule r;
    r.prefix = pre;
    r.loc = tok_.loc;
    if (at(Tok::File)) {
      r.fileKeyword = true;
      advance();
      if (at(Tok::EndOfRule)) {
        advance();
        r.bare = true;
        r.path = Word{"/{**,}", r.loc};
        return r;
      }
    }
    if (at(Tok::Safe) || at(Tok::Unsafe)) {
      r.safety = at(Tok::Safe) ? ExecSafety::Safe : ExecSafety::Unsafe;
      advance();
    }
    if (at(Tok::Id) || at(Tok::SetVar)) {
      r.path = takeIdOrVar();
      r.modes = takeWord(Tok::Mode, "TOK_MODE");
      if (at(Tok::Id) || at(Tok::SetVar))
        fail(tok_.loc, fmt::format("missing an end of line character? (entry: {})", r.path.text));
    } else if (at(Tok::Mode)) {
      r.leadingModes = true;
      r.modes = takeWord(Tok::Mode, "TOK_MODE");
      if (at(Tok::Subset) || at(Tok::Le)) {
        r.subset = true;
        advance();
      }
      r.path = takeIdOrVar();
    } else {
      syntaxError();
    }
    if (at(Tok::Arrow)) {
      advance();
      r.target = takeIdOrVar();
    }
    expectEndOfRule();
    return r;
  }

  RlimitRule parseRlimit() {
    RlimitRule r;
    r.loc = tok_.loc;
    advance();  // set
    take(Tok::Rlimit, "TOK_RLIMIT");
    r.name = takeWord(Tok::Id, "TOK_ID");
    take(Tok::Le, "TOK_LE");
    r.value = takeWord(Tok::Value, "TOK_VALUE");
    if (at(Tok::Id))
      r.unit = takeWord(Tok::Id, "TOK_ID");
    expectEndOfRule();
    return r;
  }

  ParseInputs in_;
  Lexer lex_;
  VariableTable &vars_;
  Token tok_;
};

} // namespace

std::optional<ast::Policy> parsePolicy(uint32_t fileId, ParseInputs in) {
  try {
    Parser p(in);
    return p.run(fileId);
  } catch (const FatalError &e) {
    in.diags.error(e.loc, e.message);
    return std::nullopt;
  }
}

} // namespace aasim::frontend
