// Kubernetes label selector semantics (apimachinery labels.Selector): every matchLabels pair
// and every matchExpressions requirement must hold; an empty selector matches everything.
#ifndef NAUTHERA_CONTROLLER_API_LABEL_SELECTOR_H_
#define NAUTHERA_CONTROLLER_API_LABEL_SELECTOR_H_

#include "controller/api/types.h"

namespace nauthera::controller {

bool SelectorMatches(const LabelSelector& selector, const Labels& labels);

}  // namespace nauthera::controller

#endif  // NAUTHERA_CONTROLLER_API_LABEL_SELECTOR_H_
