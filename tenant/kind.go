package tenant

import "github.com/rolemine/rolemine/mining"

// Kind is what a package stands for. It is written as its string in every
// output ("kind": "jobFunction").
type Kind string

// The kinds of package.
const (
	// KindBirthright is what nearly every employee holds.
	KindBirthright Kind = "birthright"
	// KindJobFunction is what the users of one attribute group hold.
	KindJobFunction Kind = "jobFunction"
	// KindVariant is what part of a job function's users hold besides it.
	KindVariant Kind = "variant"
	// KindCluster is what users of alike access hold whom no attribute
	// group explains.
	KindCluster Kind = "cluster"
	// KindTeam is what most of a manager's team holds and few others: a
	// group the manager runs for their direct reports.
	KindTeam Kind = "team"
	// KindAttributeGroup is what most users sharing the values of a further
	// grouping (an office, a cost centre) hold beyond their other packages.
	KindAttributeGroup Kind = "attributeGroup"
)

// Kinds are every kind, in the order outputs list them.
var Kinds = []Kind{KindBirthright, KindJobFunction, KindVariant, KindCluster, KindTeam, KindAttributeGroup}

// KindOf names a mining package kind.
func KindOf(k mining.Kind) Kind { return Kind(k.String()) }
