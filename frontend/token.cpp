#include "token.h"

namespace aasim::frontend {

const char *tokenName(Tok t) {
  switch (t) {
  case Tok::End: return "end of file";
  case Tok::Id: return "TOK_ID";
  case Tok::CondId: return "TOK_CONDID";
  case Tok::CondListId: return "TOK_CONDLISTID";
  case Tok::Caret: return "TOK_CARET";
  case Tok::Open: return "TOK_OPEN";
  case Tok::Close: return "TOK_CLOSE";
  case Tok::Mode: return "TOK_MODE";
  case Tok::EndOfRule: return "TOK_END_OF_RULE";
  case Tok::Equals: return "TOK_EQUALS";
  case Tok::Arrow: return "TOK_ARROW";
  case Tok::AddAssign: return "TOK_ADD_ASSIGN";
  case Tok::CondAssign: return "TOK_COND_ASSIGN";
  case Tok::OverrideAssign: return "TOK_OVERRIDE_ASSIGN";
  case Tok::Le: return "TOK_LE";
  case Tok::SetVar: return "TOK_SET_VAR";
  case Tok::BoolVar: return "TOK_BOOL_VAR";
  case Tok::Value: return "TOK_VALUE";
  case Tok::If: return "TOK_IF";
  case Tok::Else: return "TOK_ELSE";
  case Tok::Not: return "TOK_NOT";
  case Tok::Defined: return "TOK_DEFINED";
  case Tok::ChangeProfile: return "TOK_CHANGE_PROFILE";
  case Tok::Network: return "TOK_NETWORK";
  case Tok::Unix: return "TOK_UNIX";
  case Tok::Create: return "TOK_CREATE";
  case Tok::Shutdown: return "TOK_SHUTDOWN";
  case Tok::Accept: return "TOK_ACCEPT";
  case Tok::Connect: return "TOK_CONNECT";
  case Tok::Listen: return "TOK_LISTEN";
  case Tok::Setopt: return "TOK_SETOPT";
  case Tok::Getopt: return "TOK_GETOPT";
  case Tok::Setattr: return "TOK_SETATTR";
  case Tok::Getattr: return "TOK_GETATTR";
  case Tok::Hat: return "TOK_HAT";
  case Tok::Unsafe: return "TOK_UNSAFE";
  case Tok::Safe: return "TOK_SAFE";
  case Tok::Colon: return "TOK_COLON";
  case Tok::Link: return "TOK_LINK";
  case Tok::Owner: return "TOK_OWNER";
  case Tok::Other: return "TOK_OTHER";
  case Tok::Subset: return "TOK_SUBSET";
  case Tok::Audit: return "TOK_AUDIT";
  case Tok::Deny: return "TOK_DENY";
  case Tok::Allow: return "TOK_ALLOW";
  case Tok::Prompt: return "TOK_PROMPT";
  case Tok::Profile: return "TOK_PROFILE";
  case Tok::Set: return "TOK_SET";
  case Tok::Alias: return "TOK_ALIAS";
  case Tok::Ptrace: return "TOK_PTRACE";
  case Tok::OpenParen: return "TOK_OPENPAREN";
  case Tok::CloseParen: return "TOK_CLOSEPAREN";
  case Tok::File: return "TOK_FILE";
  case Tok::Mount: return "TOK_MOUNT";
  case Tok::Remount: return "TOK_REMOUNT";
  case Tok::Umount: return "TOK_UMOUNT";
  case Tok::PivotRoot: return "TOK_PIVOTROOT";
  case Tok::In: return "TOK_IN";
  case Tok::Dbus: return "TOK_DBUS";
  case Tok::Signal: return "TOK_SIGNAL";
  case Tok::Send: return "TOK_SEND";
  case Tok::Receive: return "TOK_RECEIVE";
  case Tok::Bind: return "TOK_BIND";
  case Tok::Read: return "TOK_READ";
  case Tok::Write: return "TOK_WRITE";
  case Tok::Eavesdrop: return "TOK_EAVESDROP";
  case Tok::Peer: return "TOK_PEER";
  case Tok::Trace: return "TOK_TRACE";
  case Tok::TracedBy: return "TOK_TRACEDBY";
  case Tok::ReadBy: return "TOK_READBY";
  case Tok::Abi: return "TOK_ABI";
  case Tok::Userns: return "TOK_USERNS";
  case Tok::Mqueue: return "TOK_MQUEUE";
  case Tok::Delete: return "TOK_DELETE";
  case Tok::IoUring: return "TOK_IO_URING";
  case Tok::OverrideCreds: return "TOK_OVERRIDE_CREDS";
  case Tok::Sqpoll: return "TOK_SQPOLL";
  case Tok::All: return "TOK_ALL";
  case Tok::Priority: return "TOK_PRIORITY";
  case Tok::And: return "TOK_AND";
  case Tok::Or: return "TOK_OR";
  case Tok::EqOp: return "TOK_EQ_OP";
  case Tok::NeOp: return "TOK_NE_OP";
  case Tok::InOp: return "TOK_IN_OP";
  case Tok::Gt: return "TOK_GT";
  case Tok::Ge: return "TOK_GE";
  case Tok::Lt: return "TOK_LT";
  case Tok::Rlimit: return "TOK_RLIMIT";
  case Tok::Capability: return "TOK_CAPABILITY";
  case Tok::Flags: return "TOK_FLAGS";
  case Tok::Identities: return "TOK_IDENTITIES";
  case Tok::Plus: return "TOK_PLUS";
  }
  return "token";
}

} // namespace aasim::frontend
