package validate

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
)

// Without the panel and query plugins registered, a panel's options and its targets would be
// decoded as free-form maps and nothing inside them checked.
var registerPlugins = sync.OnceFunc(plugins.RegisterDefaultPlugins)

// Dashboard decodes one dashboard's JSON strictly and validates it.
func Dashboard(raw []byte) (dashboard.Dashboard, error) {
	registerPlugins()
	var d dashboard.Dashboard
	if err := problems(d.UnmarshalJSONStrict(raw)); err != nil {
		return d, fmt.Errorf("strict decode: %w", err)
	}
	panels, err := decodePanels(raw)
	if err != nil {
		return d, fmt.Errorf("strict decode: %w", err)
	}
	d.Panels = panels
	if err := problems(d.Validate()); err != nil {
		return d, fmt.Errorf("validate: %w", err)
	}
	return d, nil
}

// problems is err unless it is an empty cog.BuildErrors. The SDK's strict decoders (v0.0.22)
// return their error list as it is, so a clean decode gives a non-nil error holding nothing.
func problems(err error) error {
	var list cog.BuildErrors
	if errors.As(err, &list) && len(list) == 0 {
		return nil
	}
	return err
}

// decodePanels decodes the panels again, one by one. The SDK's own strict decode checks them
// (a real problem comes back as an error) but keeps none: its union decoders (panel or row, a
// plugin's options, a data source's query) take the empty error list above for a failure and
// drop the value, so Validate would see no panel at all.
func decodePanels(raw []byte) ([]dashboard.PanelOrRowPanel, error) {
	var doc struct {
		Panels []json.RawMessage `json:"panels"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	out := make([]dashboard.PanelOrRowPanel, 0, len(doc.Panels))
	for i, rawPanel := range doc.Panels {
		at := "panels[" + strconv.Itoa(i) + "]"
		var kind struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(rawPanel, &kind); err != nil {
			return nil, fmt.Errorf("%s: %w", at, err)
		}
		if kind.Type == "row" {
			row := &dashboard.RowPanel{}
			if err := problems(row.UnmarshalJSONStrict(rawPanel)); err != nil {
				return nil, fmt.Errorf("%s: %w", at, err)
			}
			out = append(out, dashboard.PanelOrRowPanel{RowPanel: row})
			continue
		}
		panel, err := decodePanel(rawPanel)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", at, err)
		}
		out = append(out, dashboard.PanelOrRowPanel{Panel: panel})
	}
	return out, nil
}

// decodePanel decodes a panel strictly, then puts back what the SDK dropped: its options (in
// the plugin's own type, once strictly checked) and its queries (all Prometheus here).
func decodePanel(raw []byte) (*dashboard.Panel, error) {
	panel := &dashboard.Panel{}
	if err := problems(panel.UnmarshalJSONStrict(raw)); err != nil {
		return nil, err
	}
	var parts struct {
		Options json.RawMessage   `json:"options"`
		Targets []json.RawMessage `json:"targets"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return nil, err
	}
	plugin, found := cog.ConfigForPanelcfgVariant(panel.Type)
	if !found {
		return nil, fmt.Errorf("type %q: no such panel plugin in the SDK", panel.Type)
	}
	if parts.Options != nil {
		if _, err := plugin.StrictOptionsUnmarshaler(parts.Options); problems(err) != nil {
			return nil, fmt.Errorf("options: %w", err)
		}
		options, err := plugin.OptionsUnmarshaler(parts.Options)
		if err != nil {
			return nil, fmt.Errorf("options: %w", err)
		}
		panel.Options = options
	}
	panel.Targets = make([]variants.Dataquery, 0, len(parts.Targets))
	for j, rawQuery := range parts.Targets {
		query := &prometheus.Dataquery{}
		if err := problems(query.UnmarshalJSONStrict(rawQuery)); err != nil {
			return nil, fmt.Errorf("targets[%d]: %w", j, err)
		}
		panel.Targets = append(panel.Targets, query)
	}
	return panel, nil
}
