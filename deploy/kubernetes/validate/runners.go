package validate

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// segmentArg is what each runner passes to --segment: its index from the Job, of n runners.
var segmentArg = regexp.MustCompile(`^\$\(JOB_COMPLETION_INDEX\)/([0-9]+)$`)

// Runners checks a Job of busybench runners (one whose containers pass --segment): Indexed, all
// at once (completions == parallelism), never retried (a retry is a new runner sending its
// segment again), n in --segment i/n equal to completions, the index declared as an environment
// variable so that $(JOB_COMPLETION_INDEX) is expanded.
func Runners(ix *Index) []error {
	var errs []error
	for _, o := range ix.OfKind("Job") {
		job := o.Obj.(*batchv1.Job)
		fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf("%s: %s", o, fmt.Sprintf(format, a...))) }
		for _, c := range job.Spec.Template.Spec.Containers {
			i := slices.Index(c.Args, "--segment")
			if i < 0 {
				continue
			}
			s := job.Spec
			if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion {
				fail("runners need completionMode Indexed (the index is the segment)")
			}
			if s.Completions == nil || s.Parallelism == nil || *s.Completions != *s.Parallelism {
				fail("completions %v and parallelism %v differ: the runners must all run at once", deref(s.Completions), deref(s.Parallelism))
			}
			perIndex := s.BackoffLimitPerIndex != nil && *s.BackoffLimitPerIndex == 0 && s.BackoffLimit == nil
			global := s.BackoffLimitPerIndex == nil && s.BackoffLimit != nil && *s.BackoffLimit == 0
			if !perIndex && !global {
				fail("a runner must never be retried: backoffLimitPerIndex 0 (or backoffLimit 0)")
			}
			if job.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyNever {
				fail("restartPolicy must be Never: a restarted container sends its segment again")
			}
			if i+1 >= len(c.Args) {
				fail("--segment has no value")
				continue
			}
			m := segmentArg.FindStringSubmatch(c.Args[i+1])
			if m == nil {
				fail("--segment %q is not $(JOB_COMPLETION_INDEX)/n", c.Args[i+1])
				continue
			}
			n, _ := strconv.Atoi(m[1])
			if s.Completions == nil || int32(n) != *s.Completions {
				fail("--segment %s: n = %d, but completions = %v", c.Args[i+1], n, deref(s.Completions))
			}
			if !slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool {
				return e.Name == "JOB_COMPLETION_INDEX" && e.ValueFrom != nil && e.ValueFrom.FieldRef != nil &&
					e.ValueFrom.FieldRef.FieldPath == "metadata.annotations['batch.kubernetes.io/job-completion-index']"
			}) {
				fail("container %s must declare JOB_COMPLETION_INDEX from the job-completion-index annotation", c.Name)
			}
		}
	}
	return errs
}

func deref(p *int32) any {
	if p == nil {
		return "unset"
	}
	return *p
}

// varRef is a $(NAME) reference Kubernetes expands in command, args and env values.
var varRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// Expansions checks that every $(NAME) in a container's command and arguments names one of its
// environment variables: Kubernetes expands only those and passes the others on as written.
func Expansions(ix *Index) []error {
	var errs []error
	for _, t := range ix.Templates {
		for _, c := range containers(t.Spec) {
			for _, arg := range append(append([]string{}, c.Command...), c.Args...) {
				for _, m := range varRef.FindAllStringSubmatch(arg, -1) {
					if !slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == m[1] }) {
						errs = append(errs, fmt.Errorf("%s: container %s: %s in %q is not declared in its env", t.Owner, c.Name, m[0], arg))
					}
				}
			}
		}
	}
	return errs
}
