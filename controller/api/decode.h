// Decodes a file of multi-document YAML manifests into API objects, strictly: an unknown
// apiVersion, kind or field, a wrong type, a bad enum value or duration, a missing name or
// namespace is an error naming the file, the document, the object and the field, and saying
// what to do. One bad document never hides the good ones beside it.
#ifndef NAUTHERA_CONTROLLER_API_DECODE_H_
#define NAUTHERA_CONTROLLER_API_DECODE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "controller/api/types.h"

namespace nauthera::controller {

struct DecodeError {
  // document == 0 when the error is about the whole file (it is not valid YAML).
  SourceLocation location;
  // The object the document describes, when its kind, name and namespace could be read.
  std::optional<ObjectKey> key;
  // "<field path>: <what is wrong and what to do>", or a sentence about the document.
  std::string message;
  // Not an error: the document is ignored on purpose (a kind that is not supported yet).
  bool warning = false;
  // The document is fine but defines an object that another document already defines (the
  // other one stays in effect).
  bool duplicate = false;

  // "examples/x.yaml, document 2 (OidcClient ci-cd/app): spec.authMethod: ...".
  std::string ToString() const;
};

struct DecodedFile {
  std::vector<ApiObject> objects;
  std::vector<DecodeError> errors;
  // False when the text is not valid YAML: nothing in it can be trusted, not even which
  // objects it no longer holds.
  bool parsed = true;
  // False when some document failed before its object could be identified (kind, name,
  // namespace unreadable): that document may be an object this file used to hold.
  bool identified_all = true;
};

// Decodes every document of `text`; `file` names it in errors. Empty documents are skipped.
DecodedFile DecodeManifests(absl::string_view text, absl::string_view file);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_API_DECODE_H_
