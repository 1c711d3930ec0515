package views

// FieldDeviceKey names the remembered browser a forget form forgets.
const FieldDeviceKey = "device_key"

// AccountDevices is the account page's section of remembered browsers.
type AccountDevices struct {
	// Items are the person's devices, as the pool lists them.
	Items []DeviceItem
	// ForgetAction forgets one (FieldDeviceKey); ForgetAllAction forgets them all.
	ForgetAction, ForgetAllAction string
	// Error replaces the list when it cannot be read.
	Error string
	// BackURL leads back to the account page.
	BackURL string
}

// DeviceItem is one remembered browser.
type DeviceItem struct {
	Key, Name string
	// LastUsed is when it last signed in, already formatted; empty when unknown.
	LastUsed string
	// Remembered: it stands in for codes; otherwise it is only known to the pool.
	Remembered bool
	// ThisBrowser marks the browser showing the page.
	ThisBrowser bool
}
