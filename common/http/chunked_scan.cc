#include "common/http/chunked_scan.h"

#include "common/http/request_head.h"

namespace nauthera {
namespace {

// 16 hex digits fill a uint64_t; Beast refuses more as an overflow too.
constexpr size_t kMaxSizeDigits = 16;

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
bool IsWs(char c) { return c == ' ' || c == '\t'; }

void SkipWs(absl::string_view* s) {
  while (!s->empty() && IsWs(s->front())) s->remove_prefix(1);
}

absl::string_view TakeToken(absl::string_view* s) {
  size_t n = 0;
  while (n < s->size() && IsTokenChar((*s)[n])) ++n;
  absl::string_view token = s->substr(0, n);
  s->remove_prefix(n);
  return token;
}

// RFC 9110 §5.6.4: DQUOTE *( qdtext / quoted-pair ) DQUOTE.
bool TakeQuoted(absl::string_view* s) {
  if (s->empty() || s->front() != '"') return false;
  s->remove_prefix(1);
  while (!s->empty()) {
    unsigned char c = static_cast<unsigned char>(s->front());
    s->remove_prefix(1);
    if (c == '"') return true;
    if (c == '\\') {
      if (s->empty()) return false;
      c = static_cast<unsigned char>(s->front());
      s->remove_prefix(1);
      if (c != '\t' && (c < 0x20 || c == 0x7f)) return false;
      continue;
    }
    if (c != '\t' && (c < 0x20 || c == 0x7f)) return false;
  }
  return false;
}

}  // namespace

bool IsValidChunkExtensions(absl::string_view ext) {
  for (;;) {
    SkipWs(&ext);
    if (ext.empty()) return true;
    if (ext.front() != ';') return false;
    ext.remove_prefix(1);
    SkipWs(&ext);
    if (TakeToken(&ext).empty()) return false;
    SkipWs(&ext);
    if (ext.empty() || ext.front() != '=') continue;
    ext.remove_prefix(1);
    SkipWs(&ext);
    if (!ext.empty() && ext.front() == '"') {
      if (!TakeQuoted(&ext)) return false;
    } else if (TakeToken(&ext).empty()) {
      return false;
    }
  }
}

void ChunkedScanner::Reject(std::string reason) {
  state_ = State::kRejected;
  reason_ = std::move(reason);
}

void ChunkedScanner::OnSizeLine(absl::string_view line) {
  size_t digits = 0;
  uint64_t size = 0;
  while (digits < line.size() && IsHex(line[digits])) {
    if (digits == kMaxSizeDigits) return Reject("chunk size too large");
    size = size * 16 + static_cast<uint64_t>(HexValue(line[digits]));
    ++digits;
  }
  if (digits == 0) return Reject("malformed chunk size");
  if (!IsValidChunkExtensions(line.substr(digits))) return Reject("malformed chunk extension");
  data_left_ = size;
  state_ = size == 0 ? State::kTrailerLine : State::kData;
}

void ChunkedScanner::OnTrailerLine(absl::string_view line) {
  if (line.empty()) {
    state_ = State::kDone;
    return;
  }
  // RFC 9112 §7.1.2: trailer-section = *( field-line CRLF ), no folding.
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos || !IsToken(line.substr(0, colon)) ||
      !IsSafeFieldValue(line.substr(colon + 1))) {
    return Reject("malformed trailer field");
  }
}

size_t ChunkedScanner::Feed(absl::string_view data) {
  size_t i = 0;
  while (i < data.size()) {
    switch (state_) {
      case State::kDone:
      case State::kRejected:
        return i;
      case State::kData: {
        uint64_t take = std::min<uint64_t>(data_left_, data.size() - i);
        data_left_ -= take;
        i += static_cast<size_t>(take);
        if (data_left_ == 0) state_ = State::kDataCr;
        break;
      }
      case State::kDataCr:
        if (data[i++] != '\r') Reject("chunk data longer than its size");
        else state_ = State::kDataLf;
        break;
      case State::kDataLf:
        if (data[i++] != '\n') Reject("chunk data not followed by CRLF");
        else state_ = State::kSizeLine;
        break;
      case State::kSizeLine:
      case State::kTrailerLine: {
        char c = data[i++];
        bool trailer = state_ == State::kTrailerLine;
        if (trailer && ++trailer_bytes_ > max_trailer_) {
          Reject("trailer section too large");
          break;
        }
        if (c == '\n') {
          // RFC 9112 §2.2: a bare LF is not accepted as a line end.
          if (line_.empty() || line_.back() != '\r') {
            Reject("bare LF in the chunked body");
            break;
          }
          line_.pop_back();
          std::string line = std::move(line_);
          line_.clear();
          if (trailer) OnTrailerLine(line);
          else OnSizeLine(line);
          break;
        }
        if (!line_.empty() && line_.back() == '\r') {
          Reject("bare CR in the chunked body");
          break;
        }
        if (line_.size() >= max_line_) {
          Reject("chunk line too long");
          break;
        }
        line_.push_back(c);
        break;
      }
    }
  }
  return i;
}

}  // namespace nauthera
