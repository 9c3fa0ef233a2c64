package strategy

import "encoding/json"

// WholeAnswer is whether a non-streaming answer is whole and real, as the load engine counts a
// success (loadtests/engine/contract/outcomes.json) and the Node frame's whole-answer.ts decides:
// JSON that parses, with a normal end — an OpenAI chat completion whose first choice has
// finish_reason stop, length or tool_calls, or an Anthropic message whose stop_reason is
// end_turn, max_tokens, tool_use or stop_sequence. A cut body, an aborted or a filtered answer is
// never served again.
func WholeAnswer(body []byte) bool {
	var a struct {
		Choices []struct {
			FinishReason *string `json:"finish_reason"`
		} `json:"choices"`
		Type       string  `json:"type"`
		StopReason *string `json:"stop_reason"`
	}
	if json.Unmarshal(body, &a) != nil {
		return false
	}
	if a.Choices != nil {
		if len(a.Choices) == 0 || a.Choices[0].FinishReason == nil {
			return false
		}
		switch *a.Choices[0].FinishReason {
		case "stop", "length", "tool_calls":
			return true
		}
		return false
	}
	if a.Type != "message" || a.StopReason == nil {
		return false
	}
	switch *a.StopReason {
	case "end_turn", "max_tokens", "tool_use", "stop_sequence":
		return true
	}
	return false
}
